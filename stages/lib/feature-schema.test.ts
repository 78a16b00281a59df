import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { generateCustomers } from './customer-generator.js';
import { customerTable } from './customer-table.js';
import { featureSchema } from './feature-schema.js';

const validate = new Ajv({ allErrors: true }).compile(featureSchema(customerTable));

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
    for (const row of rows) expect(validate(row), JSON.stringify(validate.errors)).toBe(true);
  });

  it('lets nullable columns be left out, and names what is wrong otherwise', () => {
    const good = requestRows(1)[0] as Record<string, unknown>;
    const { total_charges: _, customer_id: __, ...withoutOptional } = good;
    expect(validate(withoutOptional)).toBe(true);

    const cases: [Record<string, unknown>, string][] = [
      [{ ...good, contract: 'Three year' }, '/contract'],
      [{ ...good, tenure_months: 2.5 }, '/tenure_months'],
      [{ ...good, tenure_months: 99 }, '/tenure_months'],
      [{ ...good, tenure_months: null }, '/tenure_months'],
      [{ ...good, monthly_charges: '70' }, '/monthly_charges'],
    ];
    for (const [row, path] of cases) {
      expect(validate(row)).toBe(false);
      expect(validate.errors?.map((e) => e.instancePath)).toContain(path);
    }
    const { contract: ___, ...noContract } = good;
    expect(validate(noContract)).toBe(false);
    expect(validate.errors?.[0]?.params).toEqual({ missingProperty: 'contract' });
    expect(validate({ ...good, churn: 1 })).toBe(false);
    expect(validate.errors?.[0]?.params).toEqual({ additionalProperty: 'churn' });
  });
});
