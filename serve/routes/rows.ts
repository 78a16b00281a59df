/**
 * @module Scoring validated rows into what the JSON routes answer, with the model the request
 * took: the primary, or the canary (whose scoring failure is counted against it and answered by
 * the primary instead); then the shadow, after the answer is computed. A non-finite score is the
 * model's failure, never a probability.
 */
import type { RowError } from '../model/index.js';
import { ownField } from '../model/own-field.js';
import type { LoadedModel } from '../loaded-model.js';
import type { Choice } from '../model-router.js';
import { RequestProblem } from '../request-problem.js';
import type { ServeDeps } from './deps.js';
import { fits, scoreWith, whenThere, type Now, type Row, type Scored, type ScoringInput } from './score-with.js';
import { shadowAfter } from './shadow.js';

export { ScoringFailed, whenThere, type Now, type Row, type ScoringInput } from './score-with.js';

/** A 422 for one row that does not fit the feature schema, naming every field that is wrong. */
export function invalidRow(errors: readonly RowError[], where = 'the row'): RequestProblem {
  const first = errors[0]?.message ?? 'invalid';
  const more = errors.length > 1 ? ` (and ${errors.length - 1} more: see fields)` : '';
  return new RequestProblem(422, 'invalid_row', `${where} does not fit the model's feature schema: ${first}${more}`, { fields: errors });
}

/** The row's key value (preprocessing's `id` column), when it is a string or number. */
export function rowKey(model: LoadedModel, row: Row): string | number | undefined {
  const key = ownField(row, model.scorer.pkg.preprocessing.id);
  return typeof key === 'string' || typeof key === 'number' ? key : undefined;
}

export interface Answered {
  readonly probabilities: Float32Array;
  readonly model: LoadedModel;
}

/** Scores `input` with the request's model and counts it: the probabilities and the model that answered (at once when the primary's engine is synchronous). */
export function score(deps: ServeDeps, choice: Choice, input: ScoringInput): Now<Answered> {
  if (choice.role === 'primary') return scorePrimary(deps, choice.model, input);
  return scoreCanary(deps, choice, input);
}

async function scoreCanary(deps: ServeDeps, choice: Choice, input: ScoringInput): Promise<Answered> {
  const guard = deps.models.canary?.guard;
  const start = performance.now();
  let scored: { probabilities: Float32Array; seconds: number };
  try {
    scored = await scoreWith(choice.model, input);
  } catch (error) {
    guard?.recordCanary({ failed: true, seconds: (performance.now() - start) / 1000 });
    deps.onSideError?.('canary', choice.model, error);
    // The canary's failure is never the caller's: the primary answers.
    const primary = deps.models.primaryChoice();
    try {
      if (!fits(primary.model, input)) throw error;
      return await scorePrimary(deps, primary.model, input);
    } finally {
      primary.release();
    }
  }
  const { probabilities, seconds } = scored;
  const { metrics } = deps;
  metrics.observeScoring(choice.model.label, 'canary', seconds);
  metrics.observeScores(probabilities, choice.model.info.threshold, choice.model.label, 'canary');
  guard?.recordCanary({ failed: false, seconds, scores: probabilities });
  shadowAfter(deps, input, probabilities, choice.model);
  return { probabilities, model: choice.model };
}

function scorePrimary(deps: ServeDeps, model: LoadedModel, input: ScoringInput): Now<Answered> {
  return whenThere(scoreWith(model, input), (scored) => counted(deps, model, input, scored));
}

function counted(deps: ServeDeps, model: LoadedModel, input: ScoringInput, { probabilities, seconds }: Scored): Answered {
  const { metrics } = deps;
  metrics.observeScoring(model.label, 'primary', seconds);
  metrics.observeScores(probabilities, model.info.threshold, model.label, 'primary');
  const drift = model.drift;
  if (drift && input.kind === 'rows') for (let i = 0; i < input.rows.length; i++) drift.observe(input.rows[i] as Row, probabilities[i] as number);
  deps.models.canary?.guard.recordPrimary(probabilities);
  shadowAfter(deps, input, probabilities, model);
  return { probabilities, model };
}
