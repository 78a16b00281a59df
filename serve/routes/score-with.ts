/** @module Scoring one input with one model: rows or a preprocessed matrix in, probabilities and the time they took out; a non-finite score is the model's failure (ScoringFailed), never a probability. */
import type { RawValue } from '../model/index.js';
import type { LoadedModel } from '../loaded-model.js';

export type Row = Readonly<Record<string, RawValue>>;

/** Rows (validated against the scoring model's schema) or an already preprocessed row-major matrix. */
export type ScoringInput = { readonly kind: 'rows'; readonly rows: readonly Row[] } | { readonly kind: 'matrix'; readonly x: Float32Array; readonly rows: number };

/** A model gave a score that is not a probability (NaN, ±Infinity): a 500, logged, and against a canary's SLO. */
export class ScoringFailed extends Error {
  override name = 'ScoringFailed';
}

/** Whether `model` can score `input` (another version may have another schema or width). */
export function fits(model: LoadedModel, input: ScoringInput): boolean {
  return input.kind === 'matrix' ? model.scorer.width * input.rows === input.x.length : input.rows.every((row) => model.scorer.validate(row).length === 0);
}

export interface Scored {
  readonly probabilities: Float32Array;
  readonly seconds: number;
}

/** A value now or later: the typed-array engine scores a few rows synchronously, and each `await` the single-row path does not need costs every request (serve/routes/predict.ts). */
export type Now<T> = T | Promise<T>;

/** `f` of `value`, at once when it is there, else when it settles. */
export function whenThere<T, U>(value: Now<T>, f: (v: T) => Now<U>): Now<U> {
  return value instanceof Promise ? value.then(f) : f(value);
}

/** The model's probabilities for `input`, and how long they took (synchronous when the engine is); throws ScoringFailed on a non-finite one. */
export function scoreWith(model: LoadedModel, input: ScoringInput): Now<Scored> {
  const start = performance.now();
  const scored = input.kind === 'rows' ? model.scorer.scoreRows(input.rows) : model.scorer.scoreMatrix(input.x, input.rows);
  return whenThere(scored, (probabilities) => {
    const seconds = (performance.now() - start) / 1000;
    for (let i = 0; i < probabilities.length; i++) {
      const p = probabilities[i] as number;
      if (!Number.isFinite(p)) throw new ScoringFailed(`${model.info.name} ${model.label} gave a non-finite score (${p}) for row ${i}`);
    }
    return { probabilities, seconds };
  });
}
