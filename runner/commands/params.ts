/** @module `pipe params diff [A] [B]`: every key of the params files the pipeline reads, compared between two revisions. */
import { defineCommand, defineGroup } from '../command/command.js';
import { findRoot } from '../repo/find-root.js';
import { diffOutputOptions, outputOptions, revisionsHelp } from '../command/diff-options.js';

const diff = defineCommand({
  name: 'diff',
  summary: 'compare the params of two revisions (default HEAD and the workspace)',
  description: `
Compares every key of the params files that pipeline.yaml's stages read (params.yaml for
plain keys, or the files they name), flattened to dotted keys, between revision A (default
HEAD) and revision B (default the workspace: the files as they are now). Files are read from
git without touching the working tree; each revision's own pipeline.yaml says which files it has.

Only keys that changed, appeared or disappeared are shown (as dvc params diff does); --all
shows every key. A value a revision does not have is shown as '—'; numbers get their change
and relative change (+0.0123 (+1.5%)). Columns: Path, Param, A, B, Change.
${revisionsHelp}`,
  options: {
    all: { type: 'boolean', help: 'show unchanged keys too' },
    ...diffOutputOptions('{a, b, files: {path: {key: {state, old, new, diff, pct}}}}'),
  },
  positionals: [
    { name: 'a', valueName: 'A' },
    { name: 'b', valueName: 'B' },
  ],
  async run({ options, args, io }) {
    const render = outputOptions('params diff', options, 'Param');
    const [{ paramsDiff }, { renderDiff }] = await Promise.all([import('../api/diff/params-diff.js'), import('../diff/render-diff.js')]);
    const d = await paramsDiff({ root: findRoot(io.cwd), a: args.a, b: args.b, all: options.all });
    for (const p of d.problems) io.err(`warning: ${p}\n`);
    const text = renderDiff(d, render);
    io.out(text);
    if (text === '') io.err(`No params changed between ${d.a.name} and ${d.b.name}.\n`);
  },
});

export const params = defineGroup({
  name: 'params',
  subcommands: [diff],
});
