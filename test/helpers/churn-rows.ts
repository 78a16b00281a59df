/** @module The churn example's rows as a client sends them (bench/lib/serve-child.mjs, rawRows): numbers typed, '' as null, no label. */
import { customerTable } from '../../stages/lib/customer-table.js';
import { generateCustomers } from '../../stages/lib/customer-generator.js';

export function churnRows(n: number): Record<string, unknown>[] {
  const { header, rows } = generateCustomers({ rows: n, seed: 42, drift: 0.3 });
  const numeric = new Set(customerTable.features.filter((f) => f.type !== 'category').map((f) => f.name));
  return rows.map((r) => Object.fromEntries(header.flatMap((h, i) => (h === 'churn' ? [] : [[h, r[i] === '' ? null : numeric.has(h) ? Number(r[i]) : r[i]]]))));
}
