/**
 * @module The preprocessing of one JSON row, compiled once per spec for the inference service: the
 * same features as transformRow (the shared training code, which row-encoder.test.ts holds it equal
 * to), written straight into the model's input matrix. transformRow builds an array, reads each
 * column by a varying name and compares a value with every category; per request that was several
 * µs, here it is a fraction of one.
 */
import { fieldReader } from './field-reader.js';
import { applyTransform, isMissing, numericValue, type PreprocessingSpec, type RawValue } from './preprocessing.js';

/** Writes the features of `row` into `out` from `offset` (spec.features.length values). */
export type RowEncoder = (row: Readonly<Record<string, RawValue>>, out: Float32Array, offset: number) => void;

type Encode = (v: RawValue, out: Float32Array, offset: number) => void;

export function rowEncoder(spec: PreprocessingSpec): RowEncoder {
  const read = fieldReader(spec.steps.map((s) => s.name));
  const values: unknown[] = new Array<unknown>(spec.steps.length).fill(undefined);
  let at = 0;
  const encoders: Encode[] = spec.steps.map((step): Encode => {
    const start = at;
    if (step.kind === 'numeric') {
      at += 1;
      const { name, impute, transform, mean, std } = step;
      return (v, out, offset) => {
        out[offset + start] = (applyTransform(transform, isMissing(v) ? impute : numericValue(name, v)) - mean) / std;
      };
    }
    const { categories, impute } = step;
    at += categories.length;
    // Where each category's one goes (a list: a category named twice sets both, as transformRow does).
    const slots = new Map<string, number[]>();
    categories.forEach((c, i) => slots.set(c, [...(slots.get(c) ?? []), start + i]));
    const width = categories.length;
    return (v, out, offset) => {
      out.fill(0, offset + start, offset + start + width);
      const hit = slots.get(isMissing(v) ? impute : String(v));
      if (hit) for (const i of hit) out[offset + i] = 1;
    };
  });
  return (row, out, offset) => {
    read(row, values);
    for (let i = 0; i < encoders.length; i++) (encoders[i] as Encode)(values[i] as RawValue, out, offset);
  };
}
