/** @module The experiments of HEAD's baseline as a Markdown section of `pipe report` (the table of `pipe exp show --md`). */
import { expTable } from './exp-table.js';
import { renderExpTable } from './render-exp-table.js';

export async function experimentsSection({ root, precision }: { root: string; precision: number }): Promise<string> {
  const t = await expTable({ root });
  const n = t.groups.reduce((s, g) => s + g.experiments.length, 0);
  if (n === 0) return '## Experiments\n\nNo experiments of this commit (pipe exp run makes them).';
  return `## Experiments\n\n${n} experiment${n === 1 ? '' : 's'} of this commit, with the params they changed (pipe exp show):\n\n${renderExpTable(t, { format: 'md', precision }).trimEnd()}`;
}
