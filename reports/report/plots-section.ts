/** @module The report's plots: the rendered files next to the report, and inline Mermaid charts (or tables) GitHub shows without hosting images. */

export interface ReportPlot {
  readonly title: string;
  /** The plot's data file (pipeline.yaml's plots: entry). */
  readonly path: string;
  /** Rendered files, relative to the report (SVG, PNG). */
  readonly files: readonly string[];
  /** A Mermaid xychart-beta body, for line, scatter and bar plots. */
  readonly mermaid?: string;
  /** A Markdown table, for plots Mermaid cannot draw (confusion matrices). */
  readonly table?: string;
  /** Revisions where the data file is missing. */
  readonly missing: readonly string[];
  /** For an image plot: its copy at each revision that has it, relative to the report. */
  readonly images?: readonly { readonly revision: string; readonly file: string }[];
}

/** `linkFiles`: link the rendered files (a report file), or only name them (a PR comment, where relative links lead nowhere). */
export function plotsSection(plots: readonly ReportPlot[], { linkFiles, failure }: { linkFiles: boolean; failure?: string }): string {
  const lines = ['## Plots'];
  if (failure) {
    lines.push('', `⚠️ The plots could not be drawn: ${failure}`);
    return lines.join('\n');
  }
  if (plots.length === 0) {
    lines.push('', "No plots (pipeline.yaml declares them under a stage's `plots:`).");
    return lines.join('\n');
  }
  for (const p of plots) {
    lines.push('', `### ${p.title}`, '');
    if (p.missing.length) lines.push(`_\`${p.path}\` is missing at ${p.missing.map((r) => `\`${r}\``).join(', ')}._`, '');
    if (p.mermaid) lines.push('```mermaid', p.mermaid.trimEnd(), '```', '');
    else if (p.table) lines.push(p.table.trimEnd(), '');
    // Images next to the report show in a report file; a PR comment cannot reach them, so it names them.
    if (p.images?.length && linkFiles) lines.push(p.images.map((i) => `![${p.path} at ${i.revision}](${encodeURI(i.file)})`).join(' '), '');
    if (p.files.length) lines.push(`Files: ${p.files.map((f) => (linkFiles ? `[${basename(f)}](${encodeURI(f)})` : `\`${f}\``)).join(' · ')}`);
  }
  return lines.join('\n');
}

function basename(p: string): string {
  return p.slice(p.lastIndexOf('/') + 1);
}
