import { describe, expect, it } from 'vitest';
import { profileInputs, referenceProfile, scoreProfile } from './build-reference-profile.js';
import type { PreprocessingStep } from './preprocessing.js';
import { assertReferenceProfile, type ReferenceProfile } from './reference-profile.js';

const steps: PreprocessingStep[] = [
  { name: 'age', kind: 'numeric', impute: 40, transform: 'none', mean: 40, std: 12 },
  { name: 'plan', kind: 'category', impute: 'basic', categories: ['basic', 'plus', 'pro'] },
];
/** 100 rows: age 1..100 with every 10th missing; plan cycling over basic, plus, basic, plus… and a null every 25th. */
const rows = Array.from({ length: 100 }, (_, i) => ({
  age: i % 10 === 9 ? null : i + 1,
  plan: i % 25 === 0 ? null : (['basic', 'plus'] as const)[i % 2],
}));
const get = (row: (typeof rows)[number], column: string) => row[column as keyof typeof row];
const scores = Float32Array.from({ length: 100 }, (_, i) => (i + 0.5) / 100);

function profile(): ReferenceProfile {
  return referenceProfile(profileInputs(steps, rows, get), scores);
}

describe('the reference profile builder', () => {
  it('bins a numeric column at the deciles of its present values and keeps the missing share apart', () => {
    const age = profile().features.age;
    expect(age).toMatchObject({ kind: 'numeric', missing: 0.1 });
    if (age?.kind !== 'numeric') throw new Error('unreachable');
    // 90 present values (1..99 without 10, 20, …): nine bins of 9 rows each below the last edge.
    expect(age.edges).toHaveLength(9);
    expect(age.shares).toHaveLength(10);
    for (const share of age.shares) expect(share).toBeCloseTo(0.09, 12);
  });

  it('gives a categorical column a share per category, an "other" share and a missing share', () => {
    expect(profile().features.plan).toEqual({ kind: 'category', categories: ['basic', 'plus', 'pro'], shares: [0.48, 0.48, 0], other: 0, missing: 0.04 });
    const odd = profileInputs(steps, [{ age: 1, plan: 'gold' }, { age: 2, plan: 'pro' }], (row, column) => row[column as 'age' | 'plan']);
    expect(odd.features.plan).toMatchObject({ shares: [0, 0, 0.5], other: 0.5, missing: 0 });
  });

  it('bins the scores at their deciles within [0, 1], and writes something assertReferenceProfile accepts', () => {
    const p = profile();
    expect(p).toMatchObject({ format: 'pipe-reference-profile/1', rows: 100 });
    expect(p.prediction.edges).toHaveLength(9);
    expect(p.prediction.edges[0]).toBeCloseTo(0.095, 6);
    expect(p.prediction.shares).toEqual(new Array(10).fill(0.1));
    expect(() => assertReferenceProfile(JSON.parse(JSON.stringify(p)))).not.toThrow();
  });

  it('refuses scores that are not probabilities, and scores that do not match the rows', () => {
    expect(() => scoreProfile([0.2, Number.NaN])).toThrow('score 1 is NaN; a model\'s score is a probability in [0, 1]');
    expect(() => scoreProfile([1.5])).toThrow(/score 0 is 1\.5/);
    expect(() => referenceProfile(profileInputs(steps, rows, get), scores.subarray(1))).toThrow('the input profile has 100 rows but there are 99 scores');
    expect(() => profileInputs(steps, [], get)).toThrow('at least one training row');
  });
});

describe('assertReferenceProfile', () => {
  const good = profile();
  const broken = (change: (p: Record<string, unknown>) => void): unknown => {
    const copy = JSON.parse(JSON.stringify(good)) as Record<string, unknown>;
    change(copy);
    return copy;
  };
  const features = (p: Record<string, unknown>) => p.features as Record<string, Record<string, unknown>>;

  it.each([
    ['an unknown format', (p: Record<string, unknown>) => (p.format = 'pipe-reference-profile/2'), 'format is "pipe-reference-profile/2"; expected "pipe-reference-profile/1"'],
    ['no rows', (p: Record<string, unknown>) => (p.rows = 0), '"rows" must be the number of training rows, at least 1'],
    ['no features', (p: Record<string, unknown>) => (p.features = {}), '"features" must hold a profile per feature'],
    ['edges out of order', (p: Record<string, unknown>) => (features(p).age!.edges = [3, 2]), 'features.age.edges must be a list of strictly increasing finite numbers'],
    ['a share per bin missing', (p: Record<string, unknown>) => (features(p).age!.shares = [1]), 'features.age.shares must be 10 numbers between 0 and 1, one per bin'],
    ['shares that do not add up', (p: Record<string, unknown>) => (features(p).plan!.other = 0.5), /^features\.plan: the shares add up to 1\.5, not 1$/],
    ['a repeated category', (p: Record<string, unknown>) => (features(p).plan!.categories = ['basic', 'basic', 'pro']), 'features.plan.categories must be a list of distinct strings'],
    ['an unknown kind', (p: Record<string, unknown>) => (features(p).plan!.kind = 'text'), 'features.plan.kind is "text"; expected "numeric" or "category"'],
    ['no prediction', (p: Record<string, unknown>) => delete p.prediction, '"prediction" must profile the training scores'],
    ['score edges above 1', (p: Record<string, unknown>) => ((p.prediction as { edges: number[] }).edges = [0.5, 2]), 'prediction.edges must lie in [0, 1]'],
  ])('refuses %s, naming the field', (_, change, message) => {
    expect(() => assertReferenceProfile(broken(change))).toThrow(message);
  });
});
