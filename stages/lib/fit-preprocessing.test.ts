import { describe, expect, it } from 'vitest';
import { assertPreprocessingSpec, transformRow, type RawValue } from '../../serve/model/index.js';
import type { TableContract } from './customer-table.js';
import { fitPreprocessing } from './fit-preprocessing.js';

const contract: TableContract = {
  id: 'id',
  label: { name: 'y', categories: ['0', '1'], positive: '1' },
  features: [
    { name: 'age', type: 'integer', min: 0, max: 120, nullable: true, description: '' },
    { name: 'spend', type: 'number', min: 0, max: 1e6, nullable: true, transform: 'log1p', description: '' },
    { name: 'flat', type: 'number', min: 0, max: 10, nullable: false, description: '' },
    { name: 'plan', type: 'category', categories: ['basic', 'plus', 'pro'], nullable: true, description: '' },
  ],
};

type Row = Record<string, RawValue>;
const rows: Row[] = [
  { age: '20', spend: '0', flat: '3', plan: 'basic' },
  { age: '', spend: '99', flat: '3', plan: 'plus' },
  { age: '40', spend: '', flat: '3', plan: 'plus' },
  { age: '30', spend: '9', flat: '3', plan: '' },
  { age: '10', spend: '999', flat: '3', plan: 'pro' },
];
const get = (row: Row, column: string) => row[column];

describe('fitPreprocessing', () => {
  const spec = fitPreprocessing(contract, rows, get);

  it('imputes numbers with the median and categories with the most frequent value', () => {
    const [age, spend, , plan] = spec.steps;
    // age: present 20, 40, 30, 10 → median 25 (mean of the middle two).
    expect(age).toMatchObject({ kind: 'numeric', impute: 25, transform: 'none' });
    // spend: present 0, 99, 9, 999 → median (9 + 99) / 2 = 54.
    expect(spend).toMatchObject({ kind: 'numeric', impute: 54, transform: 'log1p' });
    expect(plan).toEqual({ name: 'plan', kind: 'category', impute: 'plus', categories: ['basic', 'plus', 'pro'] });
  });

  it('standardises with the population mean and standard deviation of the imputed, transformed values', () => {
    const age = spec.steps[0] as { mean: number; std: number };
    // 20, 25, 40, 30, 10 → mean 25, variance (25 + 0 + 225 + 25 + 225) / 5 = 100.
    expect(age.mean).toBe(25);
    expect(age.std).toBe(10);
    const logs = [0, 99, 54, 9, 999].map(Math.log1p);
    const mean = logs.reduce((s, x) => s + x, 0) / 5;
    expect((spec.steps[1] as { mean: number }).mean).toBeCloseTo(mean, 12);
    // A constant column keeps std 1 instead of dividing by 0.
    expect(spec.steps[2]).toMatchObject({ mean: 3, std: 1 });
  });

  it('names the features in order: numerics by column, one-hot features as column=category', () => {
    expect(spec.features).toEqual(['age', 'spend', 'flat', 'plan=basic', 'plan=plus', 'plan=pro']);
    expect(spec.fitted_on_rows).toBe(5);
  });

  it('imputes a missing value with what it fitted', () => {
    const vector = transformRow(spec, (c) => ({ age: '', spend: '99', flat: '3', plan: '' })[c]);
    expect(vector[0]).toBe(0); // imputed 25 = the mean
    expect(vector.slice(3)).toEqual([0, 1, 0]); // imputed "plus"
  });

  it('gives exactly the same vectors after a trip through JSON (as when serving loads the file)', () => {
    const reloaded: unknown = JSON.parse(JSON.stringify(spec));
    assertPreprocessingSpec(reloaded);
    for (const row of rows) expect(transformRow(reloaded, (c) => row[c])).toEqual(transformRow(spec, (c) => row[c]));
  });
});
