/**
 * @module The preprocessing spec (`pipe-preprocessing/1`, preprocessing.json in a model package)
 * and how it is applied: the same code turns a CSV row into features during training and a JSON
 * request into features when serving, so the two cannot disagree. Fitting the spec is training's
 * business (stages/lib/fit-preprocessing.ts).
 */
import { ownField } from './own-field.js';

export const PREPROCESSING_FORMAT = 'pipe-preprocessing/1';

export interface NumericStep {
  readonly name: string;
  readonly kind: 'numeric';
  /** Replaces a missing value (the training median), before the transform. */
  readonly impute: number;
  readonly transform: 'none' | 'log1p';
  /** Mean and standard deviation of the transformed training values: feature = (x − mean) / std. */
  readonly mean: number;
  readonly std: number;
}

export interface CategoryStep {
  readonly name: string;
  readonly kind: 'category';
  /** Replaces a missing value (the most frequent training value). */
  readonly impute: string;
  /** One feature per category, in this order; a value outside the list sets none of them. */
  readonly categories: readonly string[];
}

export type PreprocessingStep = NumericStep | CategoryStep;

export interface PreprocessingSpec {
  readonly format: typeof PREPROCESSING_FORMAT;
  /** The key column of a row: not a feature, never read by the steps. */
  readonly id: string;
  readonly label: { readonly name: string; readonly positive: string };
  readonly steps: readonly PreprocessingStep[];
  /** Names of the model's inputs, in order: `column` for a numeric, `column=category` for a one-hot feature. */
  readonly features: readonly string[];
  readonly fitted_on_rows: number;
}

/** A raw value as it comes from a CSV field (empty = missing) or a JSON request (null or absent = missing). */
export type RawValue = string | number | null | undefined;

export const isMissing = (v: RawValue): v is '' | null | undefined => v === undefined || v === null || v === '';

/** A present raw value of a numeric column as a number; fails naming the column. */
export function numericValue(name: string, v: string | number): number {
  const x = typeof v === 'number' ? v : Number(v);
  if (!Number.isFinite(x)) throw new TypeError(`${name}: expected a number, got ${JSON.stringify(v)}`);
  return x;
}

export function applyTransform(transform: NumericStep['transform'], x: number): number {
  return transform === 'log1p' ? Math.log1p(Math.max(0, x)) : x;
}

/** The feature names the steps produce, in order (what `spec.features` must hold). */
export function featureNames(steps: readonly PreprocessingStep[]): string[] {
  return steps.flatMap((s) => (s.kind === 'numeric' ? [s.name] : s.categories.map((c) => `${s.name}=${c}`)));
}

/** The feature vector of one raw row, in `spec.features` order; `get(column)` reads a raw value. */
export function transformRow(spec: PreprocessingSpec, get: (column: string) => RawValue): number[] {
  const out: number[] = [];
  for (const step of spec.steps) {
    const v = get(step.name);
    if (step.kind === 'numeric') {
      const x = applyTransform(step.transform, isMissing(v) ? step.impute : numericValue(step.name, v));
      out.push((x - step.mean) / step.std);
    } else {
      const value = isMissing(v) ? step.impute : String(v);
      for (const c of step.categories) out.push(c === value ? 1 : 0);
    }
  }
  return out;
}

/** The features of JSON rows (column → value) as one row-major rows × features matrix, the input a model takes. */
export function transformRows(spec: PreprocessingSpec, rows: readonly Readonly<Record<string, RawValue>>[]): Float32Array {
  const width = spec.features.length;
  const x = new Float32Array(rows.length * width);
  rows.forEach((row, r) => x.set(transformRow(spec, (column) => ownField(row, column)), r * width));
  return x;
}

const isFiniteNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const isStringList = (v: unknown): v is string[] => Array.isArray(v) && v.every((x) => typeof x === 'string');

/** What is wrong with one step, or undefined when it can be applied. */
function stepProblem(step: unknown): string | undefined {
  const s = step as Partial<Record<keyof NumericStep | keyof CategoryStep, unknown>> | null;
  if (typeof s?.name !== 'string') return 'has no "name"';
  if (s.kind === 'numeric') {
    if (!isFiniteNumber(s.impute) || !isFiniteNumber(s.mean)) return '(numeric) needs finite numbers "impute" and "mean"';
    if (!isFiniteNumber(s.std) || s.std === 0) return '(numeric) needs a finite, non-zero "std"';
    if (s.transform !== 'none' && s.transform !== 'log1p') return `(numeric) has transform ${JSON.stringify(s.transform)}; expected "none" or "log1p"`;
    return undefined;
  }
  if (s.kind === 'category') {
    if (typeof s.impute !== 'string' || !isStringList(s.categories)) return '(category) needs a string "impute" and a list of string "categories"';
    return undefined;
  }
  return `has kind ${JSON.stringify(s.kind)}; expected "numeric" or "category"`;
}

/**
 * Checks that parsed JSON is a spec this code applies exactly: known format, well-formed steps,
 * and `features` equal to what the steps produce (a model package may come from elsewhere).
 */
export function assertPreprocessingSpec(value: unknown): asserts value is PreprocessingSpec {
  const spec = value as Partial<Record<keyof PreprocessingSpec, unknown>> | null;
  if (spec?.format !== PREPROCESSING_FORMAT) {
    throw new TypeError(`format is ${JSON.stringify(spec?.format)}; expected "${PREPROCESSING_FORMAT}"`);
  }
  if (typeof spec.id !== 'string') throw new TypeError('"id" must be the name of the key column');
  if (!Array.isArray(spec.steps) || !isStringList(spec.features)) throw new TypeError('"steps" and "features" must be lists');
  spec.steps.forEach((step: unknown, i) => {
    const problem = stepProblem(step);
    if (problem) throw new TypeError(`step ${i + 1} ${problem}`);
  });
  const expected = featureNames(spec.steps as PreprocessingStep[]);
  if (expected.join('\n') !== spec.features.join('\n')) {
    throw new TypeError(`"features" lists ${spec.features.length} names that are not the ${expected.length} features its steps produce, in order`);
  }
}
