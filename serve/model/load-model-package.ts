/**
 * @module Loads a model package directory (docs/formats.md, "Model package"): metadata.json, the
 * TF.js layers model and its weights, preprocessing.json, feature-schema.json and, when the package
 * lists one, reference-profile.json. It checks that
 * the parts fit together before anything is served, then predicts from raw rows (validated and
 * preprocessed exactly as in training) or from an already preprocessed feature matrix.
 */
import { setImmediate as nextTurn } from 'node:timers/promises';
import type { LayersModel, Tensor } from '@tensorflow/tfjs';
import { assertFeatureSchema, type FeatureSchema } from './feature-schema.js';
import { InvalidRowsError, type InvalidRow } from './invalid-rows-error.js';
import { readLayersModelArtifacts } from './layers-model-files.js';
import { ModelPackageError } from './model-package-error.js';
import { METADATA_FILE, assertModelPackageMetadata, type ModelPackageMetadata } from './model-package-metadata.js';
import { readPackageJsonAs } from './package-file.js';
import { assertPreprocessingSpec, transformRows, type PreprocessingSpec, type RawValue } from './preprocessing.js';
import { assertReferenceProfile, type ReferenceProfile } from './reference-profile.js';
import { loadTf } from './tf-backend.js';
import { rowValidator, type RowError, type RowValidator } from './validate-row.js';

export interface ModelPackage {
  readonly dir: string;
  readonly metadata: ModelPackageMetadata;
  readonly preprocessing: PreprocessingSpec;
  readonly featureSchema: FeatureSchema;
  /** What live traffic is compared with for drift (serve/drift/); undefined for a package trained before profiles existed. */
  readonly referenceProfile: ReferenceProfile | undefined;
  /** The TF.js backend the model runs on, as one line, e.g. `wasm (@tensorflow/tfjs-node not installed)`. */
  readonly backend: string;
  /** What is wrong with one raw row (a JSON object) as input of this model; [] when it is valid. */
  validateRow(row: unknown): RowError[];
  /** One probability per raw row; throws InvalidRowsError when a row does not validate. */
  predict(rows: readonly unknown[]): Promise<Float32Array>;
  /** One probability per row of `x`, row-major rows × features, already preprocessed. */
  predictMatrix(x: Float32Array, rows: number): Promise<Float32Array>;
  /** Frees the model's weights. */
  dispose(): void;
}

/** The schema and the steps must name the same columns, or requests and features disagree. */
function checkColumnsAgree(dir: string, files: ModelPackageMetadata['files'], spec: PreprocessingSpec, schema: FeatureSchema): void {
  const schemaColumns = Object.keys(schema.properties).filter((c) => c !== spec.id);
  const stepColumns = spec.steps.map((s) => s.name);
  const onlyInSchema = schemaColumns.filter((c) => !stepColumns.includes(c));
  const onlyInSteps = stepColumns.filter((c) => !schemaColumns.includes(c));
  if (onlyInSchema.length === 0 && onlyInSteps.length === 0) return;
  const lists = [
    onlyInSchema.length > 0 ? `only in ${files.feature_schema}: ${onlyInSchema.join(', ')}` : '',
    onlyInSteps.length > 0 ? `only in ${files.preprocessing}: ${onlyInSteps.join(', ')}` : '',
  ];
  throw new ModelPackageError({
    dir,
    file: files.feature_schema,
    problem: `its properties and the steps of ${files.preprocessing} name different columns (${lists.filter(Boolean).join('; ')})`,
  });
}

/** The profile must describe each input column as the preprocessing steps see it, or drift would compare the wrong bins. */
function checkProfileAgrees(dir: string, files: ModelPackageMetadata['files'], spec: PreprocessingSpec, profile: ReferenceProfile): void {
  const file = files.reference_profile as string;
  const profiled = Object.keys(profile.features);
  const columns = spec.steps.map((s) => s.name);
  if (profiled.join('\n') !== columns.join('\n')) {
    throw new ModelPackageError({ dir, file, problem: `it profiles ${profiled.join(', ')}; the steps of ${files.preprocessing} are ${columns.join(', ')}` });
  }
  for (const step of spec.steps) {
    const feature = profile.features[step.name] as ReferenceProfile['features'][string];
    if (feature.kind !== step.kind) {
      throw new ModelPackageError({ dir, file, problem: `features.${step.name} is ${feature.kind}, but ${files.preprocessing} treats it as ${step.kind}` });
    }
  }
}

/** The model must take one matrix of exactly the features preprocessing makes, and give one probability per row. */
function shapeProblem(model: LayersModel, spec: PreprocessingSpec, preprocessingFile: string): string | undefined {
  const width = spec.features.length;
  const [input, ...moreInputs] = model.inputs;
  if (!input || moreInputs.length > 0) return `the model takes ${model.inputs.length} inputs; a package's model takes one feature matrix`;
  if (input.shape.length !== 2 || input.shape[1] !== width) {
    return `the model takes ${input.shape.slice(1).join(' × ') || 'scalar'} features per row, but ${preprocessingFile} makes ${width}`;
  }
  const [output, ...moreOutputs] = model.outputs;
  if (!output || moreOutputs.length > 0 || output.shape.length !== 2 || output.shape[1] !== 1) {
    return `the model gives ${model.outputs.map((o) => JSON.stringify(o.shape.slice(1))).join(', ')} per row; a package's model gives one probability`;
  }
  return undefined;
}

export async function loadModelPackage(dir: string): Promise<ModelPackage> {
  // Every file is read and checked before TF.js is loaded: a broken package fails fast, naming the file.
  const metadata = readPackageJsonAs(dir, METADATA_FILE, assertModelPackageMetadata);
  const { files } = metadata;
  const preprocessing = readPackageJsonAs(dir, files.preprocessing, assertPreprocessingSpec, { listedBy: METADATA_FILE });
  const featureSchema = readPackageJsonAs(dir, files.feature_schema, assertFeatureSchema, { listedBy: METADATA_FILE });
  // A hot reload runs beside the requests being served: between its steps (each a few ms at most), they go first.
  await nextTurn();
  let validate: RowValidator;
  try {
    validate = rowValidator(featureSchema);
  } catch (cause) {
    throw new ModelPackageError({ dir, file: files.feature_schema, problem: `not a JSON Schema ajv accepts (${(cause as Error).message})` }, { cause });
  }
  checkColumnsAgree(dir, files, preprocessing, featureSchema);
  const referenceProfile =
    files.reference_profile === undefined ? undefined : readPackageJsonAs(dir, files.reference_profile, assertReferenceProfile, { listedBy: METADATA_FILE });
  if (referenceProfile) checkProfileAgrees(dir, files, preprocessing, referenceProfile);
  await nextTurn();
  const artifacts = readLayersModelArtifacts(dir, files.model);
  await nextTurn();

  const { tf, summary } = await loadTf();
  let model: LayersModel;
  try {
    model = await tf.loadLayersModel(tf.io.fromMemory(artifacts));
  } catch (cause) {
    throw new ModelPackageError({ dir, file: files.model, problem: `TF.js cannot build the model (${(cause as Error).message})` }, { cause });
  }
  await nextTurn();
  const problem = shapeProblem(model, preprocessing, files.preprocessing);
  if (problem) {
    model.dispose();
    throw new ModelPackageError({ dir, file: files.model, problem });
  }
  const width = preprocessing.features.length;

  const predictMatrix = async (x: Float32Array, rows: number): Promise<Float32Array> => {
    if (!Number.isInteger(rows) || rows < 0 || x.length !== rows * width) {
      throw new RangeError(`predictMatrix: expected ${rows} rows × ${width} features = ${rows * width} values, got ${x.length}`);
    }
    if (rows === 0) return new Float32Array(0);
    const input = tf.tensor2d(x, [rows, width]);
    let output: Tensor | undefined;
    try {
      // One call for the whole batch: by default tfjs predicts in chunks of 32 rows.
      output = model.predict(input, { batchSize: rows }) as Tensor;
      return (await output.data()) as Float32Array;
    } finally {
      input.dispose();
      output?.dispose();
    }
  };

  return {
    dir,
    metadata,
    preprocessing,
    featureSchema,
    referenceProfile,
    backend: summary,
    validateRow: validate,
    predictMatrix,
    async predict(rows) {
      const invalid: InvalidRow[] = [];
      rows.forEach((row, index) => {
        const errors = validate(row);
        if (errors.length > 0) invalid.push({ index, errors });
      });
      if (invalid.length > 0) throw new InvalidRowsError(invalid as [InvalidRow, ...InvalidRow[]]);
      // Validated against the schema, every value is a string, a number or null: a RawValue.
      return predictMatrix(transformRows(preprocessing, rows as readonly Record<string, RawValue>[]), rows.length);
    },
    dispose: () => model.dispose(),
  };
}
