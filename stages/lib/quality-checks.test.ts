import { describe, expect, it } from 'vitest';
import type { CsvTable } from './csv.js';
import { generateCustomers } from './customer-generator.js';
import { customerTable } from './customer-table.js';
import type { DataCheck } from './data-check.js';
import { qualityChecks, type QualityThresholds } from './quality-checks.js';

const thresholds: QualityThresholds = {
  min_rows: 100,
  max_missing_share: 0.05,
  max_invalid_type_share: 0,
  max_out_of_range_share: 0,
  max_unknown_category_share: 0,
  max_duplicate_share: 0.001,
};
const good = generateCustomers({ rows: 400, seed: 5, drift: 0 });

/** The good table with `edit(row, index)` applied to some rows. */
function bad(edit: (row: string[], i: number) => void, rows = good.rows): CsvTable {
  return { header: good.header, rows: rows.map((r, i) => {
    const copy = [...r];
    edit(copy, i);
    return copy;
  }) };
}
const at = (name: string) => good.header.indexOf(name);
const failures = (table: CsvTable, t = thresholds) => qualityChecks(table, customerTable, t).filter((c) => !c.pass);
const only = (table: CsvTable, t = thresholds): DataCheck => {
  const failed = failures(table, t);
  expect(failed.map((c) => c.name)).toHaveLength(1);
  return failed[0] as DataCheck;
};

describe('qualityChecks', () => {
  it('passes the generated table, with one check per column and kind', () => {
    const checks = qualityChecks(good, customerTable, thresholds);
    expect(checks.filter((c) => !c.pass)).toEqual([]);
    expect(checks.map((c) => c.name)).toEqual(
      expect.arrayContaining([
        'rows',
        'required_columns',
        'duplicate_ids',
        'duplicate_rows',
        'missing_share:tech_support',
        'type:tenure_months',
        'out_of_range_share:monthly_charges',
        'unknown_category_share:contract',
        'unknown_category_share:churn',
      ]),
    );
  });

  it('fails on too few rows', () => {
    expect(only(good, { ...thresholds, min_rows: 1000 })).toMatchObject({ name: 'rows', value: 400, op: '>=', threshold: 1000, pass: false });
  });

  it('fails on a missing required column, naming it', () => {
    const table = { header: good.header.filter((h) => h !== 'contract'), rows: good.rows.map((r) => r.filter((_, i) => i !== at('contract'))) };
    expect(only(table)).toMatchObject({ name: 'required_columns', value: 1, detail: 'missing: contract' });
  });

  it('fails on values of the wrong type', () => {
    expect(only(bad((r, i) => i === 3 && (r[at('tenure_months')] = 'twelve')))).toMatchObject({ name: 'type:tenure_months', value: 0.0025, detail: 'not an integer: "twelve"' });
    expect(only(bad((r, i) => i === 3 && (r[at('tenure_months')] = '12.5')))).toMatchObject({ name: 'type:tenure_months' });
    expect(only(bad((r, i) => i < 2 && (r[at('monthly_charges')] = 'n/a')))).toMatchObject({ name: 'type:monthly_charges', value: 0.005, detail: 'not a number: "n/a"' });
  });

  it('fails on too many missing values: any in a non-nullable column, over the share in a nullable one', () => {
    expect(only(bad((r, i) => i === 0 && (r[at('contract')] = '')))).toMatchObject({ name: 'missing_share:contract', value: 0.0025, threshold: 0 });
    expect(only(bad((r, i) => i < 40 && (r[at('payment_method')] = '')))).toMatchObject({ name: 'missing_share:payment_method', threshold: 0.05 });
    expect(failures(bad((r, i) => i < 10 && (r[at('payment_method')] = '')))).toEqual([]);
    expect(only(bad((r, i) => i === 9 && (r[at('churn')] = '')))).toMatchObject({ name: 'missing_share:churn' });
  });

  it('fails on values outside the contract range', () => {
    expect(only(bad((r, i) => i === 1 && (r[at('tenure_months')] = '99')))).toMatchObject({ name: 'out_of_range_share:tenure_months', detail: 'outside [0, 72]: "99"' });
    expect(only(bad((r, i) => i === 1 && (r[at('monthly_charges')] = '-5')))).toMatchObject({ name: 'out_of_range_share:monthly_charges' });
  });

  it('fails on categories outside the contract, the label included', () => {
    expect(only(bad((r, i) => i % 100 === 0 && (r[at('contract')] = 'Three year')))).toMatchObject({ name: 'unknown_category_share:contract', value: 0.01, detail: 'not in the contract: "Three year"' });
    expect(only(bad((r, i) => i === 0 && (r[at('churn')] = 'yes')))).toMatchObject({ name: 'unknown_category_share:churn' });
  });

  it('fails on a repeated id and on rows repeated under another id', () => {
    expect(only(bad((r, i) => i === 5 && (r[at('customer_id')] = 'C000001')))).toMatchObject({ name: 'duplicate_ids', value: 1, detail: 'repeated: "C000001"' });
    const doubled = [...good.rows, ...good.rows.slice(0, 4).map((r) => [`X${r[0]}`, ...r.slice(1)])];
    const check = only(bad(() => {}, doubled));
    expect(check).toMatchObject({ name: 'duplicate_rows', detail: '4 rows repeat an earlier row' });
    expect(check.value).toBeCloseTo(4 / 404, 6);
  });
});
