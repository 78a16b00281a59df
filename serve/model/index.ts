/**
 * @module The model package runtime (docs/formats.md, "Model package"): TF.js backend, layers-model
 * files, preprocessing, row validation, the reference profile (and the PSI it is compared with) and
 * the package loader. The example's stages and the inference service import it; it imports
 * nothing from runner/, reports/ or stages/.
 */
export { FEATURE_SCHEMA_DIALECT, assertFeatureSchema, type FeatureSchema } from './feature-schema.js';
export { InvalidRowsError, type InvalidRow } from './invalid-rows-error.js';
export { LAYERS_MODEL_FORMAT, readLayersModelArtifacts, saveLayersModel } from './layers-model-files.js';
export { loadModelPackage, type ModelPackage } from './load-model-package.js';
export { ModelPackageError, versionPackageMessage, type ModelPackageErrorData } from './model-package-error.js';
export {
  METADATA_FILE,
  MODEL_PACKAGE_FILES,
  MODEL_PACKAGE_FORMAT,
  assertModelPackageMetadata,
  type ModelPackageFiles,
  type ModelPackageMetadata,
} from './model-package-metadata.js';
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
export {
  REFERENCE_PROFILE_FORMAT,
  assertInputProfile,
  assertReferenceProfile,
  type CategoryProfile,
  type FeatureProfile,
  type InputProfile,
  type NumericProfile,
  type ReferenceProfile,
  type ScoreProfile,
} from './reference-profile.js';
export { PROFILE_BINS, profileInputs, referenceProfile, scoreProfile, type Scores } from './build-reference-profile.js';
export { PSI_EPSILON, binCounts, binIndex, psi, psiOfShares, quantileEdges, shares } from './population-stability.js';
export { backendLine, loadTf, type LoadedTf, type Tf } from './tf-backend.js';
export { rowValidator, validateRow, type RowError, type RowErrorKind, type RowValidator } from './validate-row.js';
