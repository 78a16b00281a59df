/**
 * @module Fits the preprocessing spec (format and application: serve/model/preprocessing.ts) on the
 * training split: imputation values, one-hot categories, means and standard deviations, feature
 * order. Only training fits; serving applies the saved spec.
 */
import {
  PREPROCESSING_FORMAT,
  applyTransform,
  featureNames,
  isMissing,
  numericValue,
  type PreprocessingSpec,
  type PreprocessingStep,
  type RawValue,
} from '../../serve/model/index.js';
import type { TableContract } from './customer-table.js';

function median(values: Float64Array): number {
  if (values.length === 0) return 0;
  const s = values.slice().sort();
  const mid = s.length >> 1;
  return s.length % 2 === 1 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
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
      return isMissing(v) ? [] : [numericValue(column.name, v)];
    }));
    const impute = median(present);
    const transform = column.transform ?? 'none';
    let sum = 0;
    for (const row of rows) {
      const v = get(row, column.name);
      sum += applyTransform(transform, isMissing(v) ? impute : numericValue(column.name, v));
    }
    const mean = rows.length === 0 ? 0 : sum / rows.length;
    let squares = 0;
    for (const row of rows) {
      const v = get(row, column.name);
      squares += (applyTransform(transform, isMissing(v) ? impute : numericValue(column.name, v)) - mean) ** 2;
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
    features: featureNames(steps),
    fitted_on_rows: rows.length,
  };
}
