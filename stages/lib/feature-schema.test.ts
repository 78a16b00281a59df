import { describe, expect, it } from 'vitest';
import { assertFeatureSchema, validateRow } from '../../serve/model/index.js';
import { generateCustomers } from './customer-generator.js';
import { customerTable } from './customer-table.js';
import { featureSchema } from './feature-schema.js';

// Through the reader serving uses, after a trip through JSON as when a model package is loaded.
const schema: unknown = JSON.parse(JSON.stringify(featureSchema(customerTable)));
assertFeatureSchema(schema);
const errors = (row: unknown) => validateRow(schema, row);

/** A generated CSV row as the JSON a client would send: numbers as numbers, missing as null. */
function requestRows(n: number): Record<string, unknown>[] {
  const { header, rows } = generateCustomers({ rows: n, seed: 3, drift: 0 });
  return rows.map((row) =>
    Object.fromEntries(
      header
        .map((name, i): [string, unknown] => {
          const v = row[i] as string;
          const column = customerTable.features.find((c) => c.name === name);
          return [name, v === '' ? null : column && column.type !== 'category' ? Number(v) : v];
        })
        .filter(([name]) => name !== customerTable.label.name),
    ),
  );
}

describe('featureSchema', () => {
  it('accepts every generated row, missing values included', () => {
    const rows = requestRows(500);
    expect(rows.some((r) => Object.values(r).includes(null))).toBe(true);
    for (const row of rows) expect(errors(row)).toEqual([]);
  });

  it('lets nullable columns be left out, and names what is wrong otherwise', () => {
    const good = requestRows(1)[0] as Record<string, unknown>;
    const { total_charges: _, customer_id: __, ...withoutOptional } = good;
    expect(errors(withoutOptional)).toEqual([]);

    const cases: [Record<string, unknown>, string, string][] = [
      [{ ...good, contract: 'Three year' }, 'contract', 'category'],
      [{ ...good, tenure_months: 2.5 }, 'tenure_months', 'type'],
      [{ ...good, tenure_months: 99 }, 'tenure_months', 'range'],
      [{ ...good, tenure_months: null }, 'tenure_months', 'type'],
      [{ ...good, monthly_charges: '70' }, 'monthly_charges', 'type'],
      [{ ...good, churn: 1 }, 'churn', 'unexpected'],
    ];
    for (const [row, field, kind] of cases) expect(errors(row)).toEqual([expect.objectContaining({ field, kind })]);
    const { contract: ___, ...noContract } = good;
    expect(errors(noContract)).toEqual([expect.objectContaining({ field: 'contract', kind: 'missing' })]);
  });
});
