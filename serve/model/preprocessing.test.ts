import { describe, expect, it } from 'vitest';
import { assertPreprocessingSpec, transformRow, transformRows, type PreprocessingSpec } from './preprocessing.js';

/** A spec written by hand, so every expected feature can be worked out on paper. */
const spec: PreprocessingSpec = {
  format: 'pipe-preprocessing/1',
  id: 'id',
  label: { name: 'y', positive: '1' },
  steps: [
    { name: 'age', kind: 'numeric', impute: 25, transform: 'none', mean: 25, std: 10 },
    { name: 'spend', kind: 'numeric', impute: 0, transform: 'log1p', mean: 1, std: 0.5 },
    { name: 'plan', kind: 'category', impute: 'plus', categories: ['basic', 'plus', 'pro'] },
  ],
  features: ['age', 'spend', 'plan=basic', 'plan=plus', 'plan=pro'],
  fitted_on_rows: 5,
};

describe('transformRow', () => {
  it('standardises numbers, log-transforms first where asked, and one-hot encodes categories in spec order', () => {
    // age (45 − 25) / 10 = 2; spend log1p(0) = 0 → (0 − 1) / 0.5 = −2; plan "pro" → 0, 0, 1.
    expect(transformRow(spec, (c) => ({ age: 45, spend: 0, plan: 'pro' })[c])).toEqual([2, -2, 0, 0, 1]);
    // (5 − 25) / 10 = −2; a negative amount is clamped to 0 before log1p, so spend is −2 again.
    expect(transformRow(spec, (c) => ({ age: 5, spend: -3, plan: 'basic' })[c])).toEqual([-2, -2, 1, 0, 0]);
  });

  it('reads CSV strings and JSON values alike, imputing empty, null and absent values', () => {
    const fromCsv = transformRow(spec, (c) => ({ age: '', spend: '0', plan: '' })[c]);
    const fromJson = transformRow(spec, (c) => ({ age: null, spend: 0 })[c as 'age' | 'spend']);
    expect(fromCsv).toEqual([0, -2, 0, 1, 0]);
    expect(fromJson).toEqual(fromCsv);
  });

  it('sets no one-hot feature for a category it has never seen', () => {
    expect(transformRow(spec, (c) => ({ age: 25, spend: 0, plan: 'enterprise' })[c]).slice(2)).toEqual([0, 0, 0]);
  });

  it('names the column of a value that is not a number', () => {
    expect(() => transformRow(spec, (c) => ({ age: 'old', spend: 1, plan: 'pro' })[c])).toThrow('age: expected a number, got "old"');
  });
});

describe('transformRows', () => {
  it('lays the vectors of JSON rows out row-major, as float32', () => {
    const x = transformRows(spec, [
      { age: 45, spend: 0, plan: 'pro' },
      { age: 30, spend: null },
    ]);
    expect(x).toBeInstanceOf(Float32Array);
    expect(Array.from(x)).toEqual([2, -2, 0, 0, 1, 0.5, -2, 0, 1, 0]);
  });
});

describe('assertPreprocessingSpec', () => {
  const parsed = (): Record<string, unknown> => JSON.parse(JSON.stringify(spec)) as Record<string, unknown>;

  it('accepts a spec after a trip through JSON', () => {
    expect(() => assertPreprocessingSpec(parsed())).not.toThrow();
  });

  it('names what is wrong: the format, a step, or features that are not what the steps make', () => {
    expect(() => assertPreprocessingSpec({ ...parsed(), format: 'other' })).toThrow('format is "other"; expected "pipe-preprocessing/1"');
    const steps = [...spec.steps];
    steps[1] = { ...(spec.steps[1] as object), std: 0 } as (typeof steps)[number];
    expect(() => assertPreprocessingSpec({ ...parsed(), steps })).toThrow('step 2 (numeric) needs a finite, non-zero "std"');
    expect(() => assertPreprocessingSpec({ ...parsed(), steps: [{ name: 'x', kind: 'text' }] })).toThrow('step 1 has kind "text"');
    expect(() => assertPreprocessingSpec({ ...parsed(), features: ['age', 'spend'] })).toThrow(/"features" lists 2 names that are not the 5 features/);
  });
});
