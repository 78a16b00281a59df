/** @module The model package runtime: what the example's train and evaluate stages and the inference service share. */
export { loadLayersModel, saveLayersModel } from './layers-model-files.js';
export { loadTf, type LoadedTf, type Tf } from './tf-backend.js';
export {
  PREPROCESSING_FORMAT,
  applyTransform,
  assertPreprocessingSpec,
  featureNames,
  isMissing,
  numericValue,
  transformRow,
  transformRows,
  type CategoryStep,
  type NumericStep,
  type PreprocessingSpec,
  type PreprocessingStep,
  type RawValue,
} from './preprocessing.js';
export { FEATURE_SCHEMA_DIALECT, assertFeatureSchema, type FeatureSchema } from './feature-schema.js';
export { rowValidator, validateRow, type RowError, type RowErrorKind, type RowValidator } from './validate-row.js';
