/** @module The validate stage's HTML page: a summary and every check, failures first, with no external assets. */
import type { DataCheck } from './data-check.js';

const escape = (s: string) => s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c] as string);

export interface ReportInput {
  readonly title: string;
  readonly table: string;
  readonly reference: string;
  readonly rows: number;
  readonly checks: readonly DataCheck[];
}

export function validationReport({ title, table, reference, rows, checks }: ReportInput): string {
  const failed = checks.filter((c) => !c.pass);
  const ordered = [...failed, ...checks.filter((c) => c.pass)];
  const body = ordered
    .map(
      (c) =>
        `<tr class="${c.pass ? 'pass' : 'fail'}"><td>${c.pass ? 'pass' : 'FAIL'}</td><td>${escape(c.name)}</td>` +
        `<td class="num">${c.value}</td><td class="num">${c.op === '<=' ? '≤' : '≥'} ${c.threshold}</td><td>${escape(c.detail ?? '')}</td></tr>`,
    )
    .join('\n');
  const verdict = failed.length === 0 ? `all ${checks.length} checks passed` : `${failed.length} of ${checks.length} checks failed`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>${escape(title)}</title>
<style>
body { font: 14px/1.4 system-ui, sans-serif; margin: 2em; color: #222; }
table { border-collapse: collapse; }
th, td { padding: 4px 10px; border-bottom: 1px solid #ddd; text-align: left; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
tr.fail td { background: #fde8e8; }
tr.pass td:first-child { color: #1a7f37; }
tr.fail td:first-child { color: #b42318; font-weight: bold; }
</style>
</head>
<body>
<h1>${escape(title)}</h1>
<p><strong>${verdict}</strong> — ${rows} rows of <code>${escape(table)}</code>, drift measured against <code>${escape(reference)}</code>.</p>
<table>
<thead><tr><th>result</th><th>check</th><th>value</th><th>threshold</th><th>detail</th></tr></thead>
<tbody>
${body}
</tbody>
</table>
</body>
</html>
`;
}
