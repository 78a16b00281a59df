import { describe, expect, it } from 'vitest';
import { transformRow, type PreprocessingSpec, type RawValue } from './preprocessing.js';
import { rowEncoder } from './row-encoder.js';

const spec: PreprocessingSpec = {
  format: 'pipe-preprocessing/1',
  id: 'id',
  label: { name: 'y', positive: '1' },
  steps: [
    { name: 'age', kind: 'numeric', impute: 25, transform: 'none', mean: 25, std: 10 },
    { name: 'spend', kind: 'numeric', impute: 0, transform: 'log1p', mean: 1, std: 0.5 },
    { name: 'plan', kind: 'category', impute: 'plus', categories: ['basic', 'plus', 'pro'] },
    { name: 'odd "name"\n', kind: 'category', impute: 'a', categories: ['a', 'b', 'a'] },
    { name: 'flag', kind: 'category', impute: '0', categories: ['0', '1', 'q"\\\u2028}; throw 1; //'] },
  ],
  features: ['age', 'spend', 'plan=basic', 'plan=plus', 'plan=pro', 'odd "name"\n=a', 'odd "name"\n=b', 'odd "name"\n=a', 'flag=0', 'flag=1', 'flag=q"\\\u2028}; throw 1; //'],
  fitted_on_rows: 5,
};

const rows: Record<string, RawValue>[] = [
  { age: 45, spend: 0, plan: 'pro', 'odd "name"\n': 'b', flag: 1 },
  { age: 5, spend: -3, plan: 'basic', 'odd "name"\n': 'a', flag: 'q"\\\u2028}; throw 1; //' },
  { age: 7, spend: 2, plan: 'pro', flag: '1' },
  { age: null, spend: 1234.5, plan: null },
  { age: 30.25, spend: 7, plan: 'enterprise', 'odd "name"\n': '' },
  {},
];

describe('rowEncoder', () => {
  it('writes exactly transformRow’s features (imputed, log-transformed, one-hot, unknown categories, a category listed twice, any column name), at an offset, over stale values', () => {
    const encode = rowEncoder(spec);
    const width = spec.features.length;
    const x = new Float32Array(rows.length * width + 3).fill(9);
    rows.forEach((row, r) => encode(row, x, 3 + r * width));
    const expected = new Float32Array(rows.length * width + 3).fill(9);
    rows.forEach((row, r) => expected.set(transformRow(spec, (c) => row[c]), 3 + r * width));
    expect(Array.from(x)).toEqual(Array.from(expected));
    // The comparison means something: the unknown plan sets no plan feature, the duplicate category both of its features.
    expect(Array.from(x.subarray(3 + 4 * width + 2, 3 + 4 * width + 5))).toEqual([0, 0, 0]);
    expect(Array.from(x.subarray(3 + width + 5, 3 + width + 8))).toEqual([1, 0, 1]);
    // A number where the categories are text is its String(); a category with quotes, a backslash and U+2028 is only a value.
    expect(Array.from(x.subarray(3 + 8, 3 + 11))).toEqual([0, 1, 0]);
    expect(Array.from(x.subarray(3 + width + 8, 3 + width + 11))).toEqual([0, 0, 1]);
  });

  it('fails as transformRow does on a value that is not a number', () => {
    expect(() => rowEncoder(spec)({ age: 'old' }, new Float32Array(11), 0)).toThrow('age: expected a number, got "old"');
  });
});
