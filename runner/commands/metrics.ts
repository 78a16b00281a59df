/** @module `pipe metrics show` and `pipe metrics diff [A] [B]`: the pipeline's metrics at revisions, and how they changed. */
import { metricsDiff } from '../api/diff/metrics-diff.js';
import { metricsShow } from '../api/diff/metrics-show.js';
import { outputOptions } from '../command/output-options.js';
import { renderDiff, renderShow } from '../diff/render-diff.js';
import { PipeError } from '../errors.js';
import { findRoot } from '../repo/find-root.js';
import type { Command } from '../command/command.js';

export const metrics: Command = {
  name: 'metrics',
  usage: 'pipe metrics show [REV…] [--all-branches] [--json | --md] [--precision N]\n       pipe metrics diff [A] [B] [--all] [--json | --md] [--precision N]',
  summary: 'show the metrics of the workspace, branches or revisions, or compare two revisions',
  description: `
The metrics files are the 'metrics:' entries of pipeline.yaml (JSON or YAML), read at each
revision from that revision's own pipeline.yaml and from git, without touching the working tree.
Nested values are flattened to dotted keys (eval.auc, checks.0.value); text, booleans and
lists are shown as they are; a value a revision does not have is shown as '—'.

show: the metrics in the workspace (columns Path, Metric, workspace), or at each REV given
(one column each); --all-branches adds a column per local branch.

diff: compares revision A (default HEAD) with B (default the workspace). Only metrics that
changed, appeared or disappeared are shown (as dvc metrics diff does); --all shows every
metric. Columns Path, Metric, A, B, Change, where Change is +0.0123 (+1.5%) for numbers.
Revisions are anything git understands: HEAD~1, main, origin/dev, a tag, a full or
abbreviated commit id, or 'workspace'.
Exits 0 whether or not something changed, 2 for an unknown revision.`,
  options: {
    all: { type: 'boolean', help: 'diff: show unchanged metrics too' },
    'all-branches': { type: 'boolean', short: 'a', help: 'show: add a column for every local branch' },
    json: { type: 'boolean', help: 'JSON (diff: {a, b, files: {path: {key: {state, old, new, diff, pct}}}}; show: {revisions, files: {path: {key: {rev: value}}}})' },
    md: { type: 'boolean', help: 'a GitHub Markdown table' },
    precision: { type: 'string', valueName: 'N', help: 'significant digits of non-integer numbers (default 5)' },
  },
  positionals: true,
  async run({ values, positionals, io }) {
    const [sub, ...revs] = positionals;
    const usage = (why: string, flag?: string) =>
      new PipeError('USAGE', `${why}; see 'pipe help metrics'`, { command: 'metrics', ...(flag ? { flag } : {}) });
    const options = outputOptions('metrics', values, 'Metric');
    if (sub === 'show') {
      if (values.all) throw usage('--all belongs to metrics diff (metrics show shows every metric)', '--all');
      const t = await metricsShow({ root: findRoot(io.cwd), revisions: revs, allBranches: Boolean(values['all-branches']) });
      for (const p of t.problems) io.err(`warning: ${p}\n`);
      const text = renderShow(t, options);
      io.out(text);
      if (text === '') io.err(`No metrics found at ${t.revisions.map((r) => r.name).join(', ')} (pipeline.yaml declares them under 'metrics:').\n`);
      return;
    }
    if (sub === 'diff') {
      if (revs.length > 2) throw usage('pipe metrics diff takes at most two revisions (A and B)');
      if (values['all-branches']) throw usage('--all-branches belongs to metrics show', '--all-branches');
      const d = await metricsDiff({ root: findRoot(io.cwd), a: revs[0], b: revs[1], all: Boolean(values.all) });
      for (const p of d.problems) io.err(`warning: ${p}\n`);
      const text = renderDiff(d, options);
      io.out(text);
      if (text === '') io.err(`No metrics changed between ${d.a.name} and ${d.b.name}.\n`);
      return;
    }
    throw usage(sub === undefined ? 'a subcommand is missing: pipe metrics show|diff' : `unknown subcommand '${sub}': pipe metrics show|diff`);
  },
};
