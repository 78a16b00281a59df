/** @module `pipe metrics show` and `pipe metrics diff [A] [B]`: the pipeline's metrics at revisions, and how they changed. */
import { defineCommand, defineGroup } from '../command/command.js';
import { findRoot } from '../repo/find-root.js';
import { diffOutputOptions, outputOptions, revisionsHelp } from '../command/diff-options.js';

const show = defineCommand({
  name: 'show',
  summary: 'the metrics of the workspace, or of revisions and branches side by side',
  description: `
The metrics in the workspace (columns Path, Metric, workspace), or at each REV given (one
column each); --all-branches adds a column per local branch. The metrics the gate rules name
come first, then each file's single values, then the per-entry detail of lists (checks,
classes…); a list with more than 12 values is folded to one row ('checks[…]  67 entries')
unless --all. --json always holds every value.`,
  options: {
    all: { type: 'boolean', help: 'list every value of long lists too, instead of one row per list' },
    'all-branches': { type: 'boolean', short: 'a', help: 'add a column for every local branch' },
    ...diffOutputOptions('{revisions, files: {path: {key: {rev: value}}}}'),
  },
  positionals: [{ name: 'revisions', valueName: 'REV…', variadic: true }],
  async run({ options, args, io }) {
    const render = outputOptions('metrics show', options, 'Metric');
    const [{ metricsShow }, { renderShow }] = await Promise.all([import('../api/diff/metrics-show.js'), import('../diff/render-diff.js')]);
    const t = await metricsShow({ root: findRoot(io.cwd), revisions: args.revisions, allBranches: options['all-branches'] });
    for (const p of t.problems) io.err(`warning: ${p}\n`);
    const { text, folded } = renderShow(t, { ...render, all: options.all });
    io.out(text);
    for (const f of folded) io.err(`note: ${f.path}: ${f.values} values of ${f.key} shown as one row; --all lists them\n`);
    if (text === '') io.err(`No metrics found at ${t.revisions.map((r) => r.name).join(', ')} (pipeline.yaml declares them under 'metrics:').\n`);
  },
});

const diff = defineCommand({
  name: 'diff',
  summary: 'compare the metrics of two revisions (default HEAD and the workspace)',
  description: `
Compares revision A (default HEAD) with B (default the workspace). Only metrics that changed,
appeared or disappeared are shown (as dvc metrics diff does); --all shows every metric.
Columns Path, Metric, A, B, Change, where Change is +0.0123 (+1.5%) for numbers.`,
  options: {
    all: { type: 'boolean', help: 'show unchanged metrics too' },
    ...diffOutputOptions('{a, b, files: {path: {key: {state, old, new, diff, pct}}}}'),
  },
  positionals: [
    { name: 'a', valueName: 'A' },
    { name: 'b', valueName: 'B' },
  ],
  async run({ options, args, io }) {
    const render = outputOptions('metrics diff', options, 'Metric');
    const [{ metricsDiff }, { renderDiff }] = await Promise.all([import('../api/diff/metrics-diff.js'), import('../diff/render-diff.js')]);
    const d = await metricsDiff({ root: findRoot(io.cwd), a: args.a, b: args.b, all: options.all });
    for (const p of d.problems) io.err(`warning: ${p}\n`);
    const text = renderDiff(d, render);
    io.out(text);
    if (text === '') io.err(`No metrics changed between ${d.a.name} and ${d.b.name}.\n`);
  },
});

export const metrics = defineGroup({
  name: 'metrics',
  description: `
The metrics files are the 'metrics:' entries of pipeline.yaml (JSON or YAML), read at each
revision from that revision's own pipeline.yaml and from git, without touching the working tree.
Nested values are flattened to dotted keys (eval.auc); a list of mappings that each have a
distinct 'name' (or 'id') is keyed by it (checks[psi:tenure].value), else by position
(checks.0.value), so inserting a check compares like with like; gate rules name metrics the same
way. Text, booleans and lists of plain values are shown as they are; a value a revision does not
have is shown as '—'.
${revisionsHelp}`,
  subcommands: [show, diff],
});
