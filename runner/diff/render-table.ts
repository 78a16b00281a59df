/** @module Renders rows of cells as a plain aligned table or a GitHub Markdown table. */

export function renderTable(header: readonly string[], rows: readonly (readonly string[])[], { markdown = false } = {}): string {
  if (markdown) {
    const line = (cells: readonly string[]) => `| ${cells.map(escapeCell).join(' | ')} |\n`;
    return line(header) + line(header.map(() => '---')) + rows.map(line).join('');
  }
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]) =>
    `${cells
      .map((c, i) => c.padEnd(widths[i] ?? 0))
      .join('  ')
      .trimEnd()}\n`;
  return line(header) + rows.map(line).join('');
}

function escapeCell(s: string): string {
  return s.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
}
