/**
 * @module The shadow model: once a request's answer is computed, the same rows are scored by the
 * shadow on a later turn of the event loop, so it never delays or changes the response; its
 * predictions are counted under role="shadow" and their agreement (same label) with the answer.
 * A shadow that fails is logged, never seen by the caller.
 */
import type { LoadedModel } from '../loaded-model.js';
import type { ServeDeps } from './deps.js';
import { scoreWith, type Row, type ScoringInput } from './score-with.js';

export function shadowAfter(deps: ServeDeps, input: ScoringInput, answered: Float32Array, by: LoadedModel): void {
  const shadow = deps.models.shadow;
  if (!shadow) return;
  setImmediate(() => void scoreShadow(deps, shadow, input, answered, by));
}

async function scoreShadow(deps: ServeDeps, shadow: LoadedModel, input: ScoringInput, answered: Float32Array, by: LoadedModel): Promise<void> {
  try {
    // Only the rows the shadow's own schema accepts (another version may have another one).
    let sub: ScoringInput = input;
    let index: number[] | undefined;
    if (input.kind === 'matrix') {
      if (shadow.scorer.width !== by.scorer.width) return;
    } else {
      const rows: Row[] = [];
      index = [];
      input.rows.forEach((row, i) => {
        if (shadow.scorer.validate(row).length > 0) return;
        rows.push(row);
        index!.push(i);
      });
      if (rows.length === 0) return;
      sub = { kind: 'rows', rows };
    }
    const { probabilities, seconds } = await scoreWith(shadow, sub);
    const { metrics } = deps;
    metrics.observeScoring(shadow.label, 'shadow', seconds);
    metrics.observeScores(probabilities, shadow.info.threshold, shadow.label, 'shadow');
    let agreed = 0;
    for (let k = 0; k < probabilities.length; k++) {
      const theirs = answered[index ? (index[k] as number) : k] as number;
      if (((probabilities[k] as number) >= shadow.info.threshold) === (theirs >= by.info.threshold)) agreed++;
    }
    if (agreed) metrics.shadowPredictions.inc({ model_version: shadow.label, agreed: 'true' }, agreed);
    if (probabilities.length - agreed) metrics.shadowPredictions.inc({ model_version: shadow.label, agreed: 'false' }, probabilities.length - agreed);
  } catch (error) {
    deps.onSideError?.('shadow', shadow, error);
  }
}
