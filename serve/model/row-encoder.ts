/**
 * @module The preprocessing of one JSON row, compiled once per spec for the inference service: the
 * same features as transformRow (the shared training code, which row-encoder.test.ts holds it equal
 * to), written straight into the model's input matrix. transformRow builds an array, reads each
 * column by a varying name and compares a value with every category; per request that was several
 * µs, here it is a fraction of one.
 */
import { ownFieldSource } from './own-field.js';
import { applyTransform, isMissing, numericValue, type PreprocessingSpec, type RawValue } from './preprocessing.js';

/** Writes the features of `row` into `out` from `offset` (spec.features.length values). */
export type RowEncoder = (row: Readonly<Record<string, RawValue>>, out: Float32Array, offset: number) => void;

/**
 * One generated function per spec, like fieldReader: each column a named load, each one-hot block
 * a `switch` over its categories writing constant slots. A closure per step cost ~40 ns a category
 * column (a Map lookup, a typed-array fill, an iterator), 10 % of a 1,000-row batch's CPU. Every
 * value of the spec reaches the code as an element of `K` (names and categories as JSON string
 * literals too, which cannot inject code), and the helpers are preprocessing.ts's, so the arithmetic
 * is transformRow's, constant for constant.
 */
export function rowEncoder(spec: PreprocessingSpec): RowEncoder {
  const K: unknown[] = [];
  const k = (value: unknown) => `K[${K.push(value) - 1}]`;
  const lines: string[] = ['let v, x;'];
  let at = 0;
  for (const step of spec.steps) {
    lines.push(`v = ${ownFieldSource('row', step.name)};`);
    if (step.kind === 'numeric') {
      lines.push(`x = applyTransform(${k(step.transform)}, isMissing(v) ? ${k(step.impute)} : numericValue(${k(step.name)}, v));`);
      lines.push(`out[offset + ${at}] = (x - ${k(step.mean)}) / ${k(step.std)};`);
      at += 1;
      continue;
    }
    const { categories } = step;
    for (let i = 0; i < categories.length; i++) lines.push(`out[offset + ${at + i}] = 0;`);
    lines.push(`v = isMissing(v) ? ${k(step.impute)} : typeof v === 'string' ? v : String(v);`, 'switch (v) {');
    // A category listed twice sets both of its features, as transformRow does.
    for (const category of new Set(categories)) {
      const slots = categories.flatMap((c, i) => (c === category ? [`out[offset + ${at + i}] = 1;`] : []));
      lines.push(`  case ${JSON.stringify(category)}: ${slots.join(' ')} break;`);
    }
    lines.push('}');
    at += categories.length;
  }
  // preprocessing.ts's own helpers, so missing values, numbers and transforms mean what they mean in training.
  const make = new Function('K', 'numericValue', 'isMissing', 'applyTransform', `return function encodeRow(row, out, offset) {\n${lines.join('\n')}\n};`) as (
    k: unknown[],
    n: typeof numericValue,
    m: typeof isMissing,
    t: typeof applyTransform,
  ) => RowEncoder;
  return make(K, numericValue, isMissing, applyTransform);
}
