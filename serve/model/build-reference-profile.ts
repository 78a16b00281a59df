/**
 * @module Builds the reference profile (format: reference-profile.ts) from training data: the raw
 * training rows' bins and shares per input column (featurize, which has the raw rows), then the
 * model's scores on those rows (train, which has the model).
 */
import { binCounts, quantileEdges } from './population-stability.js';
import { isMissing, numericValue, type PreprocessingStep, type RawValue } from './preprocessing.js';
import { REFERENCE_PROFILE_FORMAT, type FeatureProfile, type InputProfile, type ReferenceProfile, type ScoreProfile } from './reference-profile.js';

/** One score per training row, as a model's predict gives them. */
export type Scores = readonly number[] | Float32Array;

/** Deciles: enough resolution for PSI, and ≥ 10% of the reference in each bin (fewer bins when values repeat). */
export const PROFILE_BINS = 10;

function featureProfile<Row>(step: PreprocessingStep, rows: readonly Row[], get: (row: Row, column: string) => RawValue): FeatureProfile {
  const n = rows.length;
  let missing = 0;
  if (step.kind === 'category') {
    const index = new Map(step.categories.map((c, i) => [c, i]));
    const counts = new Array<number>(step.categories.length).fill(0);
    let other = 0;
    for (const row of rows) {
      const v = get(row, step.name);
      if (isMissing(v)) missing++;
      else {
        const i = index.get(String(v));
        if (i === undefined) other++;
        else counts[i] = (counts[i] as number) + 1;
      }
    }
    return { kind: 'category', categories: [...step.categories], shares: counts.map((c) => c / n), other: other / n, missing: missing / n };
  }
  const present: number[] = [];
  for (const row of rows) {
    const v = get(row, step.name);
    if (isMissing(v)) missing++;
    else present.push(numericValue(step.name, v));
  }
  const edges = quantileEdges(present, PROFILE_BINS);
  return { kind: 'numeric', edges, shares: binCounts(present, edges).map((c) => c / n), missing: missing / n };
}

/** The profile of the raw training rows, one entry per preprocessing step; `get(row, column)` reads a raw value. */
export function profileInputs<Row>(steps: readonly PreprocessingStep[], rows: readonly Row[], get: (row: Row, column: string) => RawValue): InputProfile {
  if (rows.length === 0) throw new RangeError('a reference profile needs at least one training row');
  return { rows: rows.length, features: Object.fromEntries(steps.map((step) => [step.name, featureProfile(step, rows, get)])) };
}

/** The score distribution over the training scores' deciles. */
export function scoreProfile(scores: Scores): ScoreProfile {
  scores.forEach((s: number, i: number) => {
    if (!(s >= 0 && s <= 1)) throw new RangeError(`score ${i} is ${s}; a model's score is a probability in [0, 1]`);
  });
  const edges = quantileEdges(scores, PROFILE_BINS);
  return { edges, shares: binCounts(scores, edges).map((c) => c / scores.length) };
}

/** The complete profile: the inputs' and the model's scores on the same rows, in the same order. */
export function referenceProfile(inputs: InputProfile, scores: Scores): ReferenceProfile {
  if (scores.length !== inputs.rows) throw new RangeError(`the input profile has ${inputs.rows} rows but there are ${scores.length} scores`);
  return { format: REFERENCE_PROFILE_FORMAT, rows: inputs.rows, features: inputs.features, prediction: scoreProfile(scores) };
}
