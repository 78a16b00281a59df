/**
 * @module The body of a single prediction, written as a template: what JSON.stringify makes of
 * `{probability, label, threshold, id?, model: {name, version}}`, byte for byte (held equal by
 * prediction-json.test.ts), with the model's part escaped once per loaded model instead of on
 * every request.
 */
import type { LoadedModel } from '../loaded-model.js';

interface ModelParts {
  readonly threshold: number;
  /** `,"threshold":T`. */
  readonly thresholdJson: string;
  /** `,"model":{"name":…,"version":…}}`. */
  readonly tail: string;
}

const partsOf = new WeakMap<LoadedModel, ModelParts>();

function modelParts(model: LoadedModel): ModelParts {
  let parts = partsOf.get(model);
  if (parts === undefined) {
    const { threshold, name, version } = model.info;
    parts = { threshold, thresholdJson: `,"threshold":${JSON.stringify(threshold)}`, tail: `,"model":${JSON.stringify({ name, version })}}` };
    partsOf.set(model, parts);
  }
  return parts;
}

/** `probability` is finite (scoreWith refuses others): a finite number's JSON is its String(), `-0` included ("0"). */
export function predictionJson(model: LoadedModel, probability: number, id: string | number | undefined): string {
  const { threshold, thresholdJson, tail } = modelParts(model);
  return `{"probability":${probability},"label":${probability >= threshold ? 1 : 0}${thresholdJson}${id === undefined ? '' : `,"id":${JSON.stringify(id)}`}${tail}`;
}

/** One scored row of a batch answer: `{"index":…,"probability":…,"label":…,"id"?:…}`, as JSON.stringify writes it (`probability` finite). */
export function batchResultJson(index: number, probability: number, threshold: number, id: string | number | undefined): string {
  return `{"index":${index},"probability":${probability},"label":${probability >= threshold ? 1 : 0}${id === undefined ? '' : `,"id":${JSON.stringify(id)}`}}`;
}

/** The body of a batch answer from its results' JSON (batchResultJson, or an error entry's JSON.stringify): `{results, scored, invalid, threshold, model}`. */
export function batchJson(model: LoadedModel, results: readonly string[], scored: number, invalid: number): string {
  const { thresholdJson, tail } = modelParts(model);
  return `{"results":[${results.join(',')}],"scored":${scored},"invalid":${invalid}${thresholdJson}${tail}`;
}
