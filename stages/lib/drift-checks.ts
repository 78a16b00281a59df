/**
 * @module Drift checks of a table against the reference snapshot: PSI for every column (categories,
 * or reference-quantile bins of a numeric column) and the two-sample KS statistic for numeric ones.
 */
import type { CsvTable } from './csv.js';
import type { TableContract } from './customer-table.js';
import { dataCheck, type DataCheck } from './data-check.js';
import { categoricalPsi, ksTwoSample, numericPsi } from './drift-statistics.js';
import { round } from './round.js';

export interface DriftThresholds {
  readonly max_psi: number;
  readonly max_ks: number;
  readonly psi_bins: number;
}

function present(table: CsvTable, name: string): string[] | undefined {
  const index = table.header.indexOf(name);
  return index === -1 ? undefined : table.rows.map((r) => r[index] as string).filter((v) => v !== '');
}

const numbers = (values: readonly string[]) => values.map(Number).filter(Number.isFinite);

export function driftChecks(table: CsvTable, reference: CsvTable, contract: TableContract, t: DriftThresholds): DataCheck[] {
  const checks: DataCheck[] = [];
  const columns = [...contract.features, { name: contract.label.name, type: 'category' as const }];
  for (const column of columns) {
    const current = present(table, column.name);
    const expected = present(reference, column.name);
    // A missing column fails required_columns; an empty one fails missing_share.
    if (!current || !expected || current.length === 0 || expected.length === 0) continue;
    if (column.type === 'category') {
      checks.push(dataCheck('psi', column.name, categoricalPsi(expected, current), '<=', t.max_psi));
    } else {
      const a = numbers(expected);
      const b = numbers(current);
      if (a.length === 0 || b.length === 0) continue;
      checks.push(dataCheck('psi', column.name, numericPsi(a, b, t.psi_bins), '<=', t.max_psi));
      const ks = ksTwoSample(a, b);
      checks.push(dataCheck('ks', column.name, ks.statistic, '<=', t.max_ks, `p-value ${round(ks.pValue, 6)}`));
    }
  }
  return checks;
}

/** Columns with at least one failing drift check, each with what failed ("psi 0.31 > 0.2"). */
export function driftingColumns(checks: readonly DataCheck[]): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const c of checks) {
    if (c.pass || c.column === undefined || !(c.name.startsWith('psi:') || c.name.startsWith('ks:'))) continue;
    const list = out.get(c.column) ?? [];
    list.push(`${c.name.split(':')[0]} ${c.value} > ${c.threshold}`);
    out.set(c.column, list);
  }
  return out;
}
