/** @module Scoring validated rows into what the JSON routes answer: probability, label at the threshold, and the row's key when it has one. */
import type { RawValue, RowError } from '../model/index.js';
import { RequestProblem } from '../request-problem.js';
import type { ServeDeps } from './deps.js';

export type Row = Readonly<Record<string, RawValue>>;

/** A 422 for one row that does not fit the feature schema, naming every field that is wrong. */
export function invalidRow(errors: readonly RowError[], where = 'the row'): RequestProblem {
  const first = errors[0]?.message ?? 'invalid';
  const more = errors.length > 1 ? ` (and ${errors.length - 1} more: see fields)` : '';
  return new RequestProblem(422, 'invalid_row', `${where} does not fit the model's feature schema: ${first}${more}`, { fields: errors });
}

/** The row's key value (preprocessing's `id` column), when it is a string or number. */
export function rowKey(deps: ServeDeps, row: Row): string | number | undefined {
  const key = row[deps.scorer.pkg.preprocessing.id];
  return typeof key === 'string' || typeof key === 'number' ? key : undefined;
}

/** Scores rows that passed validation and counts them in the metrics. */
export async function scoreValid(deps: ServeDeps, rows: readonly Row[]): Promise<Float32Array> {
  const probabilities = await deps.scorer.scoreRows(rows);
  deps.metrics.observeScores(probabilities, deps.info.threshold);
  const drift = deps.drift;
  if (drift) for (let i = 0; i < rows.length; i++) drift.observe(rows[i] as Row, probabilities[i] as number);
  return probabilities;
}
