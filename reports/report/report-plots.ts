/** @module The report's plots: rendered by reports/plots into a directory next to the report, described for the plots section. */
import { relative, sep } from 'node:path';
import type { ReportPlot } from './plots-section.js';

export interface ReportPlotsOptions {
  readonly root: string;
  readonly revisions: readonly string[];
  readonly outDir: string;
  /** Directory the report is written in: file paths in the report are relative to it. */
  readonly relativeTo: string;
}

export async function reportPlots({ root, revisions, outDir, relativeTo }: ReportPlotsOptions): Promise<{ plots: ReportPlot[]; notes: string[] }> {
  const { loadPlots, writePlots, toMermaid, toMarkdownTable } = await import('../plots/index.js');
  const set = await loadPlots({ root, revisions });
  if (set.plots.length === 0) return { plots: [], notes: [...set.warnings] };
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
  return { plots, notes: [...set.warnings] };
}
