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
    'sort-order': { type: 'string', valueName: 'ORDER', help: 'with --sort-by: asc (default) or desc' },
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

const diff = defineCommand({
  name: 'diff',
  summary: 'params and metrics of two experiments or revisions (one: its baseline against it)',
  description: `
Compares A with B, where each is an experiment's name or any revision git understands (HEAD,
a branch, a tag, a commit). With only A, an experiment is compared with its baseline. Shows the
params that changed, then the metrics that changed (--all: every one), in the tables of
pipe params diff and pipe metrics diff. Exits 2 for a name that is neither.`,
  options: {
    all: { type: 'boolean', help: 'show unchanged params and metrics too' },
    json: { type: 'boolean', help: 'JSON: {params: {a, b, files}, metrics: {a, b, files}} as params diff and metrics diff print them' },
    md: { type: 'boolean', help: 'GitHub Markdown tables' },
    precision: { type: 'string', valueName: 'N', help: 'significant digits of non-integer numbers (default 5)' },
  },
  positionals: [
    { name: 'a', valueName: 'A', required: true },
    { name: 'b', valueName: 'B' },
  ],
  async run({ options, args, io }) {
    const { outputOptions } = await import('../../runner/command/index.js');
    const [{ expDiff }, { renderDiff }] = await Promise.all([import('../api/exp-diff.js'), import('../../runner/index.js')]);
    const paramsOut = outputOptions('exp diff', options, 'Param');
    const d = await expDiff({ root: findRoot(io.cwd), a: args.a, b: args.b, all: options.all });
    for (const p of new Set([...d.params.problems, ...d.metrics.problems])) io.err(`warning: ${p}\n`);
    const params = renderDiff(d.params, paramsOut);
    const metrics = renderDiff(d.metrics, { ...paramsOut, keyHeader: 'Metric' });
    if (options.json) {
      io.out(`${JSON.stringify({ params: JSON.parse(params), metrics: JSON.parse(metrics) }, null, 2)}\n`);
      return;
    }
    const names = `${d.a} and ${d.b}`;
    io.out(params === '' ? `No params changed between ${names}.\n` : params);
    io.out('\n');
    io.out(metrics === '' ? `No metrics changed between ${names}.\n` : metrics);
  },
});

const apply = defineCommand({
  name: 'apply',
  summary: "write an experiment's params, data.lock and metrics into the workspace and check out its outs",
  description: `
Writes into the workspace every file the experiment changed against its baseline (its params
files, data.lock, metrics, and any other change it carried), then checks out the outs its
data.lock records from the cache, as pipe checkout does. Nothing is committed: review with
git diff, then commit (or git checkout -- . and pipe checkout to go back). Refused (exit 2)
when the workspace has uncommitted changes to those files, unless --force.`,
  options: { force: { type: 'boolean', short: 'f', help: 'overwrite uncommitted changes' } },
  positionals: [{ name: 'name', valueName: 'NAME', required: true }],
  async run({ options, args, io }) {
    const { applyExperiment } = await import('../api/apply-experiment.js');
    const a = await applyExperiment({ root: findRoot(io.cwd), name: args.name, force: options.force });
    const files = [...a.written, ...a.removed.map((p) => `${p} (removed)`)];
    io.out(`Applied experiment '${a.exp.name}': ${files.length ? files.join(', ') : 'no file changed'}; ${a.checkout.linked.length} out${a.checkout.linked.length === 1 ? '' : 's'} checked out. Review with git diff and commit it.\n`);
  },
});

const branch = defineCommand({
  name: 'branch',
  summary: 'make a git branch from an experiment',
  description: `
Creates the git branch BRANCH at the experiment's commit (its parent is the baseline), without
switching to it. Exits 2 when the branch exists.`,
  positionals: [
    { name: 'name', valueName: 'NAME', required: true },
    { name: 'branch', valueName: 'BRANCH', required: true },
  ],
  async run({ args, io }) {
    const [{ findExp }, { git }] = await Promise.all([import('../api/exp-refs.js'), import('../api/git.js')]);
    const root = findRoot(io.cwd);
    const e = await findExp(root, args.name);
    const exists = await git(root, ['rev-parse', '--verify', '--quiet', `refs/heads/${args.branch}`]).then(() => true, () => false);
    if (exists) throw new PipeError('USAGE', `a branch named '${args.branch}' exists; choose another name`, { command: 'exp branch' });
    await git(root, ['check-ref-format', '--branch', args.branch]).catch(() => {
      throw new PipeError('USAGE', `'${args.branch}' is not a valid git branch name`, { command: 'exp branch' });
    });
    await git(root, ['branch', args.branch, e.commit]);
    io.out(`Created branch '${args.branch}' at experiment '${e.name}' (${e.commit.slice(0, 7)}); switch to it with: git switch ${args.branch}\n`);
  },
});

const remove = defineCommand({
  name: 'remove',
  summary: "delete experiments' refs (by name, or --all of HEAD's baseline)",
  options: { all: { type: 'boolean', help: "every experiment of HEAD's baseline" } },
  positionals: [{ name: 'names', valueName: 'NAME…', variadic: true }],
  async run({ options, args, io }) {
    if (!options.all && args.names.length === 0) throw new PipeError('USAGE', 'pipe exp remove needs NAME… or --all', { command: 'exp remove' });
    const [{ findExp, headCommit, listExps }, { git }] = await Promise.all([import('../api/exp-refs.js'), import('../api/git.js')]);
    const root = findRoot(io.cwd);
    const exps = options.all ? await listExps(root, await headCommit(root)) : [];
    for (const n of args.names) exps.push(await findExp(root, n));
    for (const e of exps) await git(root, ['update-ref', '-d', e.ref, e.commit]);
    io.out(exps.length ? `Removed ${exps.length} experiment${exps.length === 1 ? '' : 's'}: ${[...new Set(exps.map((e) => e.name))].join(', ')}\n` : 'No experiments to remove.\n');
  },
});

const TRANSFER = {
  options: {
    remote: { type: 'string', short: 'r', valueName: 'NAME', help: 'the data remote (default: the default remote)' },
    force: { type: 'boolean', short: 'f', help: 'overwrite an experiment ref of the same name on the other side' },
  },
  positionals: [
    { name: 'gitRemote', valueName: 'GIT_REMOTE', required: true },
    { name: 'names', valueName: 'NAME…', variadic: true },
  ],
} as const;

const pushCmd = defineCommand({
  name: 'push',
  summary: "send experiments' refs to a git remote and their data to the data remote",
  description: `
Pushes refs/exps/<baseline>/NAME for each NAME (default: every experiment) to GIT_REMOTE (a
git remote's name or URL), then uploads the objects and run-cache entries each experiment's
data.lock names to the data remote (-r, default the default remote), as pipe push does for a
commit. With no data remote configured only the refs are pushed, and it says so.`,
  ...TRANSFER,
  async run({ options, args, io }) {
    const { pushExperiments } = await import('../api/transfer-experiments.js');
    const t = await pushExperiments({ root: findRoot(io.cwd), gitRemote: args.gitRemote, names: args.names, dataRemote: options.remote, force: options.force });
    io.out(`Pushed ${t.exps.length} experiment${t.exps.length === 1 ? '' : 's'} (${t.exps.map((e) => e.name).join(', ')}) to '${args.gitRemote}'; ${t.objects === undefined ? 'no data remote is configured, so no data was pushed (pipe remote add)' : `${t.objects} object${t.objects === 1 ? '' : 's'} uploaded to the data remote`}.\n`);
  },
});

const pullCmd = defineCommand({
  name: 'pull',
  summary: "fetch experiments' refs from a git remote and their data from the data remote",
  description: `
Fetches refs/exps/*/NAME for each NAME (default: every experiment) from GIT_REMOTE, then
downloads into the cache the objects each experiment's data.lock names, from the data remote
(-r, default the default remote), so pipe exp apply can check them out. Exits 2 when the git
remote has no experiment of a NAME.`,
  ...TRANSFER,
  async run({ options, args, io }) {
    const { pullExperiments } = await import('../api/transfer-experiments.js');
    const t = await pullExperiments({ root: findRoot(io.cwd), gitRemote: args.gitRemote, names: args.names, dataRemote: options.remote, force: options.force });
    io.out(`Pulled ${t.exps.length} experiment${t.exps.length === 1 ? '' : 's'} (${t.exps.map((e) => e.name).join(', ')}) from '${args.gitRemote}'; ${t.objects === undefined ? 'no data remote is configured, so no data was fetched' : `${t.objects} object${t.objects === 1 ? '' : 's'} fetched from the data remote`}.\n`);
  },
});

export const exp = defineGroup({
  name: 'exp',
  description: `
An experiment is a run of the pipeline with changed params, made in a temporary git worktree
sharing the repository's cache and run-cache, and kept as a git ref refs/exps/<baseline>/<name>
on a commit (parent: the baseline) holding its params files, data.lock and metrics. See
docs/experiments.md.`,
  subcommands: [run, show, diff, apply, branch, remove, pushCmd, pullCmd],
});
