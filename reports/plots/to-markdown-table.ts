/** @module A confusion plot as GitHub Markdown tables (actual × predicted), one per revision: what Mermaid cannot draw. */
import { confusionMatrices } from './confusion-cells.js';
import { isConfusion, type Plot } from './plot.js';

/**
 * Rows: the plot's x field (actual); columns: its y field (predicted). Counts, with the share of
 * the actual class for confusion_normalized. Undefined for other templates and plots with no data.
 * A revision the plot is missing at gets a line saying why.
 */
export function toMarkdownTable(plot: Plot): string | undefined {
  if (!isConfusion(plot.template)) return undefined;
  const matrices = confusionMatrices(plot);
  if (matrices.length === 0) return undefined;
  const normalized = plot.template === 'confusion_normalized';
  const blocks = plot.revisions.map((r, i) => {
    const heading = `**${escapeCell(r.revision.name)}**`;
    if (r.state === 'missing') return `${heading}: missing (${r.reason})`;
    const m = matrices.find((x) => x.revisionIndex === i);
    if (!m) return `${heading}: no data`;
    const cell = (a: string, p: string) => {
      const c = m.cells.find((x) => x.actual === a && x.predicted === p);
      if (!c) return '0';
      return normalized ? `${(c.share * 100).toFixed(1)}% (${c.count})` : String(c.count);
    };
    const header = `| ${escapeCell(plot.xLabel)} \\ ${escapeCell(plot.yLabel)} | ${m.predicted.map(escapeCell).join(' | ')} |`;
    const rule = `| --- |${m.predicted.map(() => ' ---: |').join('')}`;
    const rows = m.actual.map((a) => `| ${escapeCell(a)} | ${m.predicted.map((p) => cell(a, p)).join(' | ')} |`);
    return [heading, '', header, rule, ...rows].join('\n');
  });
  return `${blocks.join('\n\n')}\n`;
}

function escapeCell(s: string): string {
  return s.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
}
