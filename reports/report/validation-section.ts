/** @module The report's data-validation summary: passed or how many checks failed, and which. */
import { formatValue, renderTable } from '../../runner/index.js';
import type { ValidationSummary } from './validation-summary.js';

export function validationSection(entries: readonly { path: string; head?: ValidationSummary; base?: ValidationSummary }[], precision: number): string {
  const lines = ['## Data validation', ''];
  for (const { path, head, base } of entries) {
    if (!head) {
      lines.push(`- \`${path}\`: ❔ no validation result in the head revision`);
      continue;
    }
    const was = base ? ` (base: ${base.passed ? 'passed' : `${base.failed.length} failed`})` : '';
    if (head.passed && head.failed.length === 0) lines.push(`- \`${path}\`: ✅ passed, ${head.total} check${head.total === 1 ? '' : 's'}${was}`);
    else lines.push(`- \`${path}\`: ❌ ${head.passed ? 'passed' : 'failed'}, ${head.failed.length} of ${head.total} checks failed${was}`);
  }
  const failed = entries.flatMap((e) => (e.head?.failed ?? []).map((c) => [e.path, c.name, formatValue(c.value, precision), [c.op, formatValue(c.threshold, precision)].filter(Boolean).join(' ')]));
  if (failed.length) lines.push('', renderTable(['Path', 'Failed check', 'Value', 'Limit'], failed, { markdown: true }).trimEnd());
  return lines.join('\n');
}
