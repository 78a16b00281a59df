/** @module `pipe plots show [TARGET…]` and `pipe plots diff [A] [B]`: the plots of pipeline.yaml rendered to SVG, PNG and one HTML page. */
import { join, relative, resolve, sep } from 'node:path';
import { PipeError, WORKSPACE, defineCommand, defineGroup, findRoot, toRepoPath, type Io } from '../../runner/command/index.js';

const outputOption = { type: 'string', short: 'o', valueName: 'DIR', help: 'write the plots to DIR (default: pipe_plots/ at the repository root)' } as const;
const jsonOption = { type: 'boolean', help: 'print {index, outDir, revisions, plots: [{id, title, path, template, svg, png, missing, notes, spec}]}' } as const;

const show = defineCommand({
  name: 'show',
  summary: 'the plots in the workspace',
  description: `
TARGETs (a plot's file, or a directory holding plot files) choose some. A TARGET that
pipeline.yaml does not declare is drawn with the defaults.`,
  options: { output: outputOption, json: jsonOption },
  positionals: [{ name: 'targets', valueName: 'TARGET…', variadic: true }],
  run: async ({ options, args, io }) => render(io, [WORKSPACE], args.targets, options),
});

const diff = defineCommand({
  name: 'diff',
  summary: 'two revisions overlaid (default HEAD and the workspace), one colour per revision',
  description: `
Revision A (default HEAD) and B (default the workspace) overlaid, one colour per revision,
named in the legend; confusion matrices side by side. --target chooses plots.`,
  options: {
    target: { type: 'string', multiple: true, valueName: 'PATH', help: 'only this plot (or the plots under this directory); repeatable' },
    output: outputOption,
    json: jsonOption,
  },
  positionals: [
    { name: 'a', valueName: 'A' },
    { name: 'b', valueName: 'B' },
  ],
  run: async ({ options, args, io }) => render(io, [args.a ?? 'HEAD', args.b ?? WORKSPACE], options.target, options),
});

export const plots = defineGroup({
  name: 'plots',
  description: `
The plots are the 'plots:' entries of pipeline.yaml, read at each revision from that revision's
own pipeline.yaml: a data file (JSON or YAML list of records, or a mapping holding one such list;
CSV or TSV with a header row) and how to draw it (template linear, scatter, smooth, bar,
confusion or confusion_normalized; x, y — one field or a list —, title, x_label, y_label).
Without x, the row index (step) is the x axis; without y, the last field of the data.

Writes DIR (default pipe_plots/ at the repository root), replacing what an earlier run wrote:
<plot>.svg and <plot>.png (twice the size, fonts included) per plot, and index.html, which shows
every plot with no script and no network access. Prints the path of index.html.

A plot file missing at a revision, or unreadable there, is drawn without it and noted (on stderr,
in the page and under the plot's title). A field named by x or y that the data lacks leaves that
revision out the same way; when no revision has it, the plot is wrong: exit 1 (PLOT_FAILED).
Exit 2 for an unknown revision or target, or a bad flag.`,
  subcommands: [show, diff],
});

async function render(io: Io, revisions: string[], rawTargets: readonly string[], options: { output: string | undefined; json: boolean }): Promise<number> {
  const root = findRoot(io.cwd);
  const targets = rawTargets.length > 0 ? rawTargets.map((t) => repoTarget(root, io, t)) : undefined;
  const outDir = options.output !== undefined ? resolve(io.cwd, options.output) : join(root, 'pipe_plots');

  const { loadPlots, writePlots } = await import('../plots/index.js');
  const set = await loadPlots({ root, revisions, ...(targets ? { targets } : {}) });
  for (const w of set.warnings) io.err(`warning: ${w}\n`);
  if (set.plots.length === 0 && set.images.length === 0) {
    io.err(`No plots at ${set.revisions.map((r) => r.name).join(', ')} (pipeline.yaml declares them under a stage's 'plots:'); nothing written.\n`);
    if (options.json) io.out(`${JSON.stringify({ index: null, outDir: null, revisions: revisionsJson(set.revisions), plots: [], images: [] }, null, 2)}\n`);
    return 0;
  }
  const written = await writePlots(set, { outDir });
  if (options.json) {
    io.out(`${JSON.stringify({ index: written.index, outDir: written.outDir, revisions: revisionsJson(set.revisions), plots: written.plots, images: written.images }, null, 2)}\n`);
  } else {
    io.out(`${written.index}\n`);
  }
  return 0;
}

/** A target as typed (relative to the current directory) as a repository path. */
function repoTarget(root: string, io: Io, target: string): string {
  const rel = relative(root, resolve(io.cwd, target)).split(sep).join('/');
  const r = toRepoPath(rel);
  if (!r.ok) throw new PipeError('USAGE', `target '${target}' ${r.reason}; see 'pipe help plots'`, { command: 'plots' });
  return r.path;
}

function revisionsJson(revs: readonly { name: string; commit?: string }[]): { rev: string; commit: string | null }[] {
  return revs.map((r) => ({ rev: r.name, commit: r.commit ?? null }));
}
