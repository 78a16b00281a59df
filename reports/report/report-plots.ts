/** @module The report's plots: rendered by reports/plots into a directory next to the report, described for the plots section. */
import { relative, sep } from 'node:path';
import { isPipeError } from '../../runner/index.js';
import type { ReportPlot } from './plots-section.js';

export interface ReportPlotsOptions {
  readonly root: string;
  readonly revisions: readonly string[];
  readonly outDir: string;
  /** Directory the report is written in: file paths in the report are relative to it. */
  readonly relativeTo: string;
}

/** A plot that cannot be drawn at all (a field no revision has) is a note in the report, not a failed report: the PR still gets its verdict. */
export async function reportPlots(o: ReportPlotsOptions): Promise<{ plots: ReportPlot[]; notes: string[]; failure?: string }> {
  try {
    return await render(o);
  } catch (err) {
    if (!isPipeError(err, 'PLOT_FAILED') && !isPipeError(err, 'PATH_INVALID')) throw err;
    return { plots: [], notes: [err.message], failure: err.message };
  }
}

async function render({ root, revisions, outDir, relativeTo }: ReportPlotsOptions): Promise<{ plots: ReportPlot[]; notes: string[] }> {
  const { loadPlots, writePlots, toMermaid, toMarkdownTable } = await import('../plots/index.js');
  const set = await loadPlots({ root, revisions });
  if (set.plots.length === 0 && set.images.length === 0) return { plots: [], notes: [...set.warnings] };
  const written = await writePlots(set, { outDir });
  const rel = (p: string) => relative(relativeTo, p).split(sep).join('/');
  const plots = set.plots.map((plot) => {
    const w = written.plots.find((x) => x.id === plot.id);
    const mermaid = toMermaid(plot);
    const table = mermaid === undefined ? toMarkdownTable(plot) : undefined;
    return {
      title: plot.title,
      path: plot.path,
      files: w ? [w.svg, w.png].filter((f): f is string => typeof f === 'string').map(rel) : [],
      ...(mermaid !== undefined ? { mermaid } : {}),
      ...(table !== undefined ? { table } : {}),
      missing: w?.missing ?? [],
    };
  });
  const images = written.images.map((w) => ({
    title: w.title,
    path: w.path,
    files: w.files.map((f) => rel(f.file)),
    images: w.files.map((f) => ({ revision: f.revision, file: rel(f.file) })),
    missing: w.missing,
  }));
  return { plots: [...plots, ...images], notes: [...set.warnings] };
}
