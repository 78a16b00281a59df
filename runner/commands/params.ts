/** @module `pipe params diff [A] [B]`: every key of the params files the pipeline reads, compared between two revisions. */
import { paramsDiff } from '../api/diff/params-diff.js';
import { outputOptions } from '../command/output-options.js';
import { renderDiff } from '../diff/render-diff.js';
import { PipeError } from '../errors.js';
import { findRoot } from '../repo/find-root.js';
import type { Command } from '../command/command.js';

export const params: Command = {
  name: 'params',
  usage: 'pipe params diff [A] [B] [--all] [--json | --md] [--precision N]',
  summary: 'compare the params files the pipeline reads between two revisions',
  description: `
Compares every key of the params files that pipeline.yaml's stages read (params.yaml for
plain keys, or the files they name), flattened to dotted keys, between revision A (default
HEAD) and revision B (default the workspace: the files as they are now). A and B are anything
git understands: HEAD~1, main, origin/dev, a tag, a full or abbreviated commit id, or
'workspace'. Files are read from git without touching the working tree; each revision's own
pipeline.yaml says which files it has.

Only keys that changed, appeared or disappeared are shown (as dvc params diff does); --all
shows every key. A value a revision does not have is shown as '—'; numbers get their change
and relative change (+0.0123 (+1.5%)). Columns: Path, Param, A, B, Change.
Exits 0 whether or not something changed, 2 for an unknown revision.`,
  options: {
    all: { type: 'boolean', help: 'show unchanged keys too' },
    json: { type: 'boolean', help: 'JSON: {a, b, files: {path: {key: {state, old, new, diff, pct}}}}' },
    md: { type: 'boolean', help: 'a GitHub Markdown table' },
    precision: { type: 'string', valueName: 'N', help: 'significant digits of non-integer numbers (default 5)' },
  },
  positionals: true,
  async run({ values, positionals, io }) {
    const [sub, ...revs] = positionals;
    if (sub !== 'diff' || revs.length > 2) {
      const why = sub !== 'diff' ? (sub === undefined ? 'a subcommand is missing' : `unknown subcommand '${sub}'`) : 'at most two revisions';
      throw new PipeError('USAGE', `${why}: pipe params diff [A] [B]; see 'pipe help params'`, { command: 'params' });
    }
    const options = outputOptions('params', values, 'Param');
    const d = await paramsDiff({ root: findRoot(io.cwd), a: revs[0], b: revs[1], all: Boolean(values.all) });
    for (const p of d.problems) io.err(`warning: ${p}\n`);
    const text = renderDiff(d, options);
    io.out(text);
    if (text === '') io.err(`No params changed between ${d.a.name} and ${d.b.name}.\n`);
  },
};
