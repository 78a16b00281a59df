/**
 * @module Data-quality checks of a table against its contract, in the spirit of Evidently's test
 * suites: row count, required columns, types, missing values, value ranges, category sets, duplicates.
 */
import type { CsvTable } from './csv.js';
import type { FeatureColumn, TableContract } from './customer-table.js';
import { dataCheck, offending, type DataCheck } from './data-check.js';

export interface QualityThresholds {
  readonly min_rows: number;
  readonly max_missing_share: number;
  readonly max_invalid_type_share: number;
  readonly max_out_of_range_share: number;
  readonly max_unknown_category_share: number;
  readonly max_duplicate_share: number;
}

/** Every column the contract names: the id, the features, the label (as a two-category column). */
type ContractColumn =
  | FeatureColumn
  | { readonly name: string; readonly type: 'id'; readonly nullable: false }
  | { readonly name: string; readonly type: 'category'; readonly categories: readonly string[]; readonly nullable: false };

function contractColumns(contract: TableContract): ContractColumn[] {
  return [
    { name: contract.id, type: 'id', nullable: false },
    ...contract.features,
    { name: contract.label.name, type: 'category', categories: contract.label.categories, nullable: false },
  ];
}

function isInvalidNumber(value: string, integer: boolean): boolean {
  const x = Number(value);
  return value.trim() === '' || !Number.isFinite(x) || (integer && !Number.isInteger(x));
}

export function qualityChecks(table: CsvTable, contract: TableContract, t: QualityThresholds): DataCheck[] {
  const n = table.rows.length;
  const share = (values: readonly unknown[]) => (n === 0 ? 0 : values.length / n);
  const checks: DataCheck[] = [dataCheck('rows', undefined, n, '>=', t.min_rows)];

  const columns = contractColumns(contract);
  const absent = columns.filter((c) => !table.header.includes(c.name)).map((c) => c.name);
  checks.push(dataCheck('required_columns', undefined, absent.length, '<=', 0, absent.length > 0 ? `missing: ${absent.join(', ')}` : undefined));

  for (const column of columns) {
    const index = table.header.indexOf(column.name);
    if (index === -1) continue;
    const present = table.rows.map((row) => row[index] as string).filter((v) => v !== '');
    const missingShare = n === 0 ? 0 : (n - present.length) / n;
    checks.push(dataCheck('missing_share', column.name, missingShare, '<=', column.nullable ? t.max_missing_share : 0));

    if (column.type === 'id') {
      const seen = new Set<string>();
      const repeated = present.filter((v) => seen.size === seen.add(v).size);
      checks.push(dataCheck('duplicate_ids', undefined, repeated.length, '<=', 0, offending('repeated', repeated)));
    } else if (column.type === 'category') {
      const allowed = new Set(column.categories);
      const unknown = present.filter((v) => !allowed.has(v));
      checks.push(dataCheck('unknown_category_share', column.name, share(unknown), '<=', t.max_unknown_category_share, offending('not in the contract', unknown)));
    } else {
      const invalid = present.filter((v) => isInvalidNumber(v, column.type === 'integer'));
      const expected = column.type === 'integer' ? 'an integer' : 'a number';
      checks.push(dataCheck('type', column.name, share(invalid), '<=', t.max_invalid_type_share, offending(`not ${expected}`, invalid)));
      const outside = present.filter((v) => Number.isFinite(Number(v)) && (Number(v) < column.min || Number(v) > column.max));
      checks.push(
        dataCheck('out_of_range_share', column.name, share(outside), '<=', t.max_out_of_range_share, offending(`outside [${column.min}, ${column.max}]`, outside)),
      );
    }
  }

  // Rows equal in every column but the id: the same customer ingested twice under two keys.
  const idIndex = table.header.indexOf(contract.id);
  const seen = new Set<string>();
  const duplicates = table.rows.filter((row) => seen.size === seen.add(row.filter((_, i) => i !== idIndex).join('\u0000')).size);
  checks.push(
    dataCheck('duplicate_rows', undefined, share(duplicates), '<=', t.max_duplicate_share, duplicates.length > 0 ? `${duplicates.length} rows repeat an earlier row` : undefined),
  );
  return checks;
}
