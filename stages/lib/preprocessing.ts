/**
 * @module The preprocessing spec: fitted on the training split (imputation values, one-hot
 * categories, means and standard deviations, feature order), saved as JSON next to the model, and
 * applied the same way to a CSV row during training and to a JSON request when serving.
 */
import type { TableContract } from './customer-table.js';

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
  readonly id: string;
  readonly label: { readonly name: string; readonly positive: string };
  readonly steps: readonly PreprocessingStep[];
  /** Names of the model's inputs, in order: `column` for a numeric, `column=category` for a one-hot feature. */
  readonly features: readonly string[];
  readonly fitted_on_rows: number;
}

/** A raw value as it comes from a CSV field (empty = missing) or a JSON request (null or absent = missing). */
export type RawValue = string | number | null | undefined;

const isMissing = (v: RawValue): v is '' | null | undefined => v === undefined || v === null || v === '';

function toNumber(name: string, v: string | number): number {
  const x = typeof v === 'number' ? v : Number(v);
  if (!Number.isFinite(x)) throw new TypeError(`${name}: expected a number, got ${JSON.stringify(v)}`);
  return x;
}

function median(values: Float64Array): number {
  if (values.length === 0) return 0;
  const s = values.slice().sort();
  const mid = s.length >> 1;
  return s.length % 2 === 1 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
}

function applyTransform(transform: NumericStep['transform'], x: number): number {
  return transform === 'log1p' ? Math.log1p(Math.max(0, x)) : x;
}

/** Fits the spec on training rows; `get(row, column)` reads a raw value. */
export function fitPreprocessing<Row>(contract: TableContract, rows: readonly Row[], get: (row: Row, column: string) => RawValue): PreprocessingSpec {
  const steps: PreprocessingStep[] = contract.features.map((column): PreprocessingStep => {
    if (column.type === 'category') {
      const counts = new Map<string, number>(column.categories.map((c) => [c, 0]));
      for (const row of rows) {
        const v = get(row, column.name);
        if (!isMissing(v)) counts.set(String(v), (counts.get(String(v)) ?? 0) + 1);
      }
      // Ties go to the earlier category of the contract, so the choice does not depend on row order.
      let impute = column.categories[0] as string;
      for (const c of column.categories) if ((counts.get(c) as number) > (counts.get(impute) as number)) impute = c;
      return { name: column.name, kind: 'category', impute, categories: [...column.categories] };
    }
    const present = Float64Array.from(rows.flatMap((row) => {
      const v = get(row, column.name);
      return isMissing(v) ? [] : [toNumber(column.name, v)];
    }));
    const impute = median(present);
    const transform = column.transform ?? 'none';
    let sum = 0;
    for (const row of rows) {
      const v = get(row, column.name);
      sum += applyTransform(transform, isMissing(v) ? impute : toNumber(column.name, v));
    }
    const mean = rows.length === 0 ? 0 : sum / rows.length;
    let squares = 0;
    for (const row of rows) {
      const v = get(row, column.name);
      squares += (applyTransform(transform, isMissing(v) ? impute : toNumber(column.name, v)) - mean) ** 2;
    }
    const std = rows.length === 0 ? 0 : Math.sqrt(squares / rows.length);
    // A constant column would divide by zero; it then contributes 0 for every row.
    return { name: column.name, kind: 'numeric', impute, transform, mean, std: std > 0 ? std : 1 };
  });
  return {
    format: PREPROCESSING_FORMAT,
    id: contract.id,
    label: { name: contract.label.name, positive: contract.label.positive },
    steps,
    features: steps.flatMap((s) => (s.kind === 'numeric' ? [s.name] : s.categories.map((c) => `${s.name}=${c}`))),
    fitted_on_rows: rows.length,
  };
}

/** The feature vector of one raw row, in `spec.features` order. */
export function transformRow(spec: PreprocessingSpec, get: (column: string) => RawValue): number[] {
  const out: number[] = [];
  for (const step of spec.steps) {
    const v = get(step.name);
    if (step.kind === 'numeric') {
      const x = applyTransform(step.transform, isMissing(v) ? step.impute : toNumber(step.name, v));
      out.push((x - step.mean) / step.std);
    } else {
      const value = isMissing(v) ? step.impute : String(v);
      for (const c of step.categories) out.push(c === value ? 1 : 0);
    }
  }
  return out;
}

/** Checks that parsed JSON is a spec this code can apply (a model directory may come from elsewhere). */
export function assertPreprocessingSpec(value: unknown): asserts value is PreprocessingSpec {
  const spec = value as Partial<PreprocessingSpec> | null;
  if (spec?.format !== PREPROCESSING_FORMAT || !Array.isArray(spec.steps) || !Array.isArray(spec.features)) {
    throw new TypeError(`not a preprocessing spec of format ${PREPROCESSING_FORMAT}`);
  }
}
