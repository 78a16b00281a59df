import { describe, expect, it } from 'vitest';
import { formatCsv } from './csv.js';
import { generateCustomers } from './customer-generator.js';
import { contractColumns, customerTable } from './customer-table.js';

const table = generateCustomers({ rows: 20_000, seed: 42, drift: 0 });
const col = (t: { header: string[]; rows: string[][] }, name: string) => t.rows.map((r) => r[t.header.indexOf(name)] as string);
const mean = (xs: readonly string[]) => {
  const v = xs.filter((x) => x !== '').map(Number);
  return v.reduce((s, x) => s + x, 0) / v.length;
};

describe('generateCustomers', () => {
  it('is byte-identical for the same params and different for another seed', () => {
    const a = generateCustomers({ rows: 500, seed: 42, drift: 0 });
    expect(formatCsv(a.header, a.rows)).toBe(formatCsv(table.header, table.rows.slice(0, 500)));
    expect(generateCustomers({ rows: 500, seed: 43, drift: 0 }).rows).not.toEqual(a.rows);
  });

  it('writes the contract columns with unique ids', () => {
    expect(table.header).toEqual(contractColumns(customerTable));
    expect(new Set(col(table, 'customer_id')).size).toBe(20_000);
    expect(table.rows[0]?.[0]).toBe('C000001');
  });

  it('has a plausible churn rate, driven by contract and tenure', () => {
    const churn = col(table, 'churn');
    const rate = (pred: (i: number) => boolean) => {
      const idx = churn.map((_, i) => i).filter(pred);
      return idx.filter((i) => churn[i] === '1').length / idx.length;
    };
    expect(rate(() => true)).toBeGreaterThan(0.2);
    expect(rate(() => true)).toBeLessThan(0.35);
    const contract = col(table, 'contract');
    const tenure = col(table, 'tenure_months').map(Number);
    expect(rate((i) => contract[i] === 'Month-to-month')).toBeGreaterThan(3 * rate((i) => contract[i] === 'Two year'));
    expect(rate((i) => (tenure[i] as number) < 12)).toBeGreaterThan(2 * rate((i) => (tenure[i] as number) > 48));
  });

  it('keeps total charges consistent with tenure × monthly charges', () => {
    const tenure = col(table, 'tenure_months').map(Number);
    const monthly = col(table, 'monthly_charges');
    const total = col(table, 'total_charges');
    for (let i = 0; i < table.rows.length; i++) {
      if (tenure[i] === 0) expect(total[i]).toBe('');
      if (monthly[i] === '' || total[i] === '') continue;
      const ratio = Number(total[i]) / ((tenure[i] as number) * Number(monthly[i]));
      expect(ratio).toBeGreaterThanOrEqual(0.79);
      expect(ratio).toBeLessThanOrEqual(1.21);
    }
  });

  it('leaves a small share of values missing, only in nullable columns', () => {
    for (const [i, name] of table.header.entries()) {
      const missing = table.rows.filter((r) => r[i] === '').length / table.rows.length;
      const feature = customerTable.features.find((c) => c.name === name);
      if (feature?.nullable) {
        expect(missing, name).toBeGreaterThan(0.002);
        expect(missing, name).toBeLessThan(0.03);
      } else expect(missing, name).toBe(0);
    }
  });

  it('shifts the distributions with drift: newer, pricier customers with more tickets', () => {
    const drifted = generateCustomers({ rows: 20_000, seed: 42, drift: 0.3 });
    expect(mean(col(drifted, 'tenure_months'))).toBeLessThan(mean(col(table, 'tenure_months')) - 3);
    expect(mean(col(drifted, 'monthly_charges'))).toBeGreaterThan(mean(col(table, 'monthly_charges')) + 5);
    expect(mean(col(drifted, 'support_tickets'))).toBeGreaterThan(mean(col(table, 'support_tickets')) * 1.2);
    expect(() => generateCustomers({ rows: 1, seed: 1, drift: 2 })).toThrow(/drift/);
  });
});
