/**
 * @module metadata.json, the entry point of a model package: its format identifier and the names
 * of its parts. Everything else in it (model name, task, training params, backend, rows…) is for
 * people and for the service's GET /model; the loader does not depend on it.
 */
import { LAYERS_MODEL_FILE } from './layers-model-files.js';

export const METADATA_FILE = 'metadata.json';
export const MODEL_PACKAGE_FORMAT = 'tfjs-layers-model';

export interface ModelPackageFiles {
  /** The TF.js layers model (its weight files are named inside it). */
  readonly model: string;
  readonly preprocessing: string;
  readonly feature_schema: string;
  /** The reference profile live drift is computed against; packages trained before it existed have none (drift is then off). */
  readonly reference_profile?: string;
}

/** The names training gives the parts. */
export const MODEL_PACKAGE_FILES = {
  model: LAYERS_MODEL_FILE,
  preprocessing: 'preprocessing.json',
  feature_schema: 'feature-schema.json',
  reference_profile: 'reference-profile.json',
} as const satisfies ModelPackageFiles;

export interface ModelPackageMetadata {
  readonly format: typeof MODEL_PACKAGE_FORMAT;
  readonly files: ModelPackageFiles;
  readonly [key: string]: unknown;
}

export function assertModelPackageMetadata(value: unknown): asserts value is ModelPackageMetadata {
  const metadata = value as Partial<Record<string, unknown>> | null;
  if (metadata?.format !== MODEL_PACKAGE_FORMAT) {
    throw new TypeError(`format is ${JSON.stringify(metadata?.format)}; expected "${MODEL_PACKAGE_FORMAT}"`);
  }
  const files = metadata.files as Partial<Record<keyof ModelPackageFiles, unknown>> | undefined;
  for (const key of ['model', 'preprocessing', 'feature_schema'] as const) {
    if (typeof files?.[key] !== 'string') throw new TypeError(`files.${key} must name the package's ${key.replace('_', ' ')} file`);
  }
  if (files?.reference_profile !== undefined && typeof files.reference_profile !== 'string') {
    throw new TypeError("files.reference_profile, when present, must name the package's reference profile file");
  }
}
