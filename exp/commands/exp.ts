/** @module `pipe exp`: experiments — run, show, diff, apply, branch, remove, push, pull. */
import { PipeError, defineCommand, defineGroup, findRoot } from '../../runner/command/index.js';
import { run } from './exp-run.js';

const show = defineCommand({
  name: 'show',
  summary: "the experiments of HEAD (or --all) with their metrics and the params they changed",
  description: `
One row for the baseline (HEAD) and one per experiment of it, newest first: its name, when it
was made, every metric of the pipeline's metrics files, and each param that some experiment
changed (the others are the baseline's). --all adds the experiments of other baselines, each
under its own. --sort-by METRIC (KEY, or FILE:KEY when several files have it) orders each
baseline's experiments by a metric (--sort-order asc, the default, or desc); experiments
without it come last. --json holds every value; --csv is one row per line.`,
  options: {
    all: { type: 'boolean', short: 'A', help: 'the experiments of every baseline, not only HEAD' },
    'sort-by': { type: 'string', valueName: 'METRIC', help: 'order experiments by a metric' },
    'sort-order': { type: 'string', valueName: 'asc|desc', help: 'with --sort-by: asc (default) or desc' },
    json: { type: 'boolean', help: 'JSON: {baselines: [{name, commit, metrics, params, experiments: [{name, ref, commit, created, metrics, params}]}]}' },
    md: { type: 'boolean', help: 'a GitHub Markdown table' },
    csv: { type: 'boolean', help: 'comma-separated values' },
    precision: { type: 'string', valueName: 'N', help: 'significant digits of non-integer numbers (default 5)' },
  },
  async run({ options, io }) {
    const formats = (['json', 'md', 'csv'] as const).filter((f) => options[f]);
    if (formats.length > 1) throw new PipeError('USAGE', `choose one output format, not --${formats.join(' and --')} (pipe exp show)`, { command: 'exp show', flag: `--${formats[1]}` });
    const order = options['sort-order'] ?? 'asc';
    if (order !== 'asc' && order !== 'desc') throw new PipeError('USAGE', `--sort-order takes asc or desc, not '${order}' (pipe exp show)`, { command: 'exp show', flag: '--sort-order' });
    const { outputOptions } = await import('../../runner/command/index.js');
    const { precision } = outputOptions('exp show', { precision: options.precision }, 'Metric');
    const [{ expTable }, { renderExpTable }] = await Promise.all([import('../api/exp-table.js'), import('../api/render-exp-table.js')]);
    const t = await expTable({ root: findRoot(io.cwd), all: options.all, sortBy: options['sort-by'], sortOrder: order });
    for (const p of t.problems) io.err(`warning: ${p}\n`);
    io.out(renderExpTable(t, { format: formats[0] ?? 'table', precision }));
    if (!options.json && t.groups.every((g) => g.experiments.length === 0)) io.err(`No experiments of ${t.groups[0]?.baseline.name ?? 'HEAD'} yet; make one with: pipe exp run -S KEY=VALUE${options.all ? '' : ' (--all lists those of other baselines)'}\n`);
  },
});

export const exp = defineGroup({
  name: 'exp',
  description: `
An experiment is a run of the pipeline with changed params, made in a temporary git worktree
sharing the repository's cache and run-cache, and kept as a git ref refs/exps/<baseline>/<name>
on a commit (parent: the baseline) holding its params files, data.lock and metrics. See
docs/experiments.md.`,
  subcommands: [run, show],
});
