/**
 * A tiny real package: a two-layer TF.js model saved with saveLayersModel next to a hand-written
 * preprocessing.json, feature-schema.json and metadata.json, and a reference profile built from
 * the rows below and the model's scores on them, loaded back and then broken file by
 * file. TF.js (wasm) is loaded once for the whole file.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, truncateSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LayersModel, Tensor } from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FeatureSchema } from './feature-schema.js';
import { InvalidRowsError } from './invalid-rows-error.js';
import { saveLayersModel } from './layers-model-files.js';
import { loadModelPackage } from './load-model-package.js';
import { ModelPackageError } from './model-package-error.js';
import { MODEL_PACKAGE_FILES, MODEL_PACKAGE_FORMAT } from './model-package-metadata.js';
import { transformRows, type PreprocessingSpec } from './preprocessing.js';
import { profileInputs, referenceProfile } from './build-reference-profile.js';
import type { ReferenceProfile } from './reference-profile.js';
import { loadTf, type Tf } from './tf-backend.js';

const spec: PreprocessingSpec = {
  format: 'pipe-preprocessing/1',
  id: 'id',
  label: { name: 'y', positive: '1' },
  steps: [
    { name: 'age', kind: 'numeric', impute: 40, transform: 'none', mean: 40, std: 12 },
    { name: 'spend', kind: 'numeric', impute: 20, transform: 'log1p', mean: 3, std: 1.5 },
    { name: 'plan', kind: 'category', impute: 'basic', categories: ['basic', 'plus', 'pro'] },
  ],
  features: ['age', 'spend', 'plan=basic', 'plan=plus', 'plan=pro'],
  fitted_on_rows: 100,
};
const schema: FeatureSchema = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  type: 'object',
  properties: {
    id: { type: 'string' },
    age: { type: 'integer', minimum: 0, maximum: 120 },
    spend: { type: ['number', 'null'], minimum: 0 },
    plan: { enum: ['basic', 'plus', 'pro', null] },
  },
  required: ['age'],
  additionalProperties: false,
};
const WIDTH = spec.features.length;

/** 50 rows, more than tfjs's default predict chunk of 32, missing values included. */
const rows = Array.from({ length: 50 }, (_, i) => ({
  id: `c-${i}`,
  age: 18 + ((i * 7) % 60),
  spend: i % 9 === 0 ? null : (i * 13.7) % 400,
  ...(i % 5 === 0 ? {} : { plan: (['basic', 'plus', 'pro'] as const)[i % 3] }),
}));

let tf: Tf;
let model: LayersModel;
let root: string;
let good: string;
let profile: ReferenceProfile;

const writeJsonFile = (dir: string, name: string, value: unknown) => writeFileSync(join(dir, name), `${JSON.stringify(value, null, 2)}\n`);
const readJsonFile = (dir: string, name: string) => JSON.parse(readFileSync(join(dir, name), 'utf8')) as Record<string, unknown>;

/** A copy of the good package, changed by `change`. */
let copies = 0;
function brokenPackage(change: (dir: string) => void): string {
  const dir = join(root, `broken-${++copies}`);
  cpSync(good, dir, { recursive: true });
  change(dir);
  return dir;
}

async function loadError(dir: string): Promise<ModelPackageError> {
  const error: unknown = await loadModelPackage(dir).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ModelPackageError);
  return error as ModelPackageError;
}

beforeAll(async () => {
  ({ tf } = await loadTf());
  model = tf.sequential({
    layers: [
      tf.layers.dense({ units: 4, activation: 'relu', inputShape: [WIDTH], kernelInitializer: tf.initializers.glorotUniform({ seed: 1 }) }),
      tf.layers.dense({ units: 1, activation: 'sigmoid', kernelInitializer: tf.initializers.glorotUniform({ seed: 2 }) }),
    ],
  });
  // Non-zero biases, so a package that dropped them would predict differently.
  model.layers.forEach((layer, i) => {
    const [kernel, bias] = layer.getWeights() as [Tensor, Tensor];
    layer.setWeights([kernel, tf.fill(bias.shape, 0.1 * (i + 1))]);
  });
  root = mkdtempSync(join(tmpdir(), 'pipe-model-package-'));
  good = join(root, 'good');
  await saveLayersModel(tf, model, good);
  writeJsonFile(good, MODEL_PACKAGE_FILES.preprocessing, spec);
  writeJsonFile(good, MODEL_PACKAGE_FILES.feature_schema, schema);
  writeJsonFile(good, 'metadata.json', { model: 'tiny', format: MODEL_PACKAGE_FORMAT, files: MODEL_PACKAGE_FILES });
  const input = tf.tensor2d(transformRows(spec, rows), [rows.length, WIDTH]);
  const scores = model.predict(input) as Tensor;
  profile = referenceProfile(profileInputs(spec.steps, rows, (row, column) => row[column as keyof typeof row]), (await scores.data()) as Float32Array);
  tf.dispose([input, scores]);
  writeJsonFile(good, MODEL_PACKAGE_FILES.reference_profile, profile);
}, 120_000);

afterAll(() => {
  model?.dispose();
  if (root) rmSync(root, { recursive: true, force: true });
});

describe('loadModelPackage', { timeout: 120_000 }, () => {
  it('predicts raw rows exactly as TF.js predicts their preprocessed features', async () => {
    const pkg = await loadModelPackage(good);
    try {
      expect(pkg.backend).toMatch(/^(wasm|tensorflow) \(/);
      expect(pkg.metadata.model).toBe('tiny');
      const x = transformRows(spec, rows);
      const input = tf.tensor2d(x, [rows.length, WIDTH]);
      const expected = model.predict(input) as Tensor;
      const want = Array.from(await expected.data());
      tf.dispose([input, expected]);

      const got = await pkg.predict(rows);
      expect(got).toHaveLength(rows.length);
      got.forEach((p, i) => expect(Math.abs(p - (want[i] as number)), `row ${i}`).toBeLessThan(1e-6));
      expect(await pkg.predictMatrix(x, rows.length)).toEqual(got);
      expect(await pkg.predict([])).toEqual(new Float32Array(0));
    } finally {
      pkg.dispose();
    }
  });

  it('refuses rows that do not validate, naming the row and the field', async () => {
    const pkg = await loadModelPackage(good);
    try {
      expect(pkg.validateRow({ age: 30, plan: 'gold' })).toEqual([expect.objectContaining({ field: 'plan', kind: 'category' })]);
      const error: unknown = await pkg.predict([rows[0], { age: 30, plan: 'gold' }]).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(InvalidRowsError);
      expect((error as InvalidRowsError).rows).toEqual([{ index: 1, errors: [expect.objectContaining({ field: 'plan' })] }]);
      expect((error as Error).message).toMatch(/^1 row is not valid model input; row 1: plan: "gold" is not one of/);
      await expect(pkg.predictMatrix(new Float32Array(7), 2)).rejects.toThrow('expected 2 rows × 5 features = 10 values, got 7');
    } finally {
      pkg.dispose();
    }
  });

  it('names the weight file that is missing', async () => {
    const error = await loadError(brokenPackage((dir) => unlinkSync(join(dir, 'weights.bin'))));
    expect(error.data.file).toBe('weights.bin');
    expect(error.message).toMatch(/broken-\d+\/weights\.bin: missing \(model\.json lists it\)\. Train the model again/);
  });

  it('names the weight file whose size is not what model.json declares', async () => {
    const error = await loadError(brokenPackage((dir) => truncateSync(join(dir, 'weights.bin'), 40)));
    expect(error.data.file).toBe('weights.bin');
    // 5×4 + 4 + 4×1 + 1 = 29 float32 weights.
    expect(error.data.problem).toBe('holds 40 bytes, but model.json declares 116 bytes of weights for it');
  });

  it('names model.json when the model does not take the features preprocessing makes', async () => {
    const dir = brokenPackage((d) => {
      const steps = [...spec.steps, { name: 'tickets', kind: 'numeric', impute: 0, transform: 'none', mean: 1, std: 1 }];
      writeJsonFile(d, 'preprocessing.json', { ...spec, steps, features: [...spec.features, 'tickets'] });
      writeJsonFile(d, 'feature-schema.json', { ...schema, properties: { ...schema.properties, tickets: { type: 'integer' } } });
      writeJsonFile(d, 'reference-profile.json', { ...profile, features: { ...profile.features, tickets: profile.features.age } });
    });
    const error = await loadError(dir);
    expect(error.data).toMatchObject({ file: 'model.json', problem: 'the model takes 5 features per row, but preprocessing.json makes 6' });
  });

  it('names feature-schema.json when it and preprocessing.json name different columns', async () => {
    const dir = brokenPackage((d) => {
      const { spend: _, ...properties } = schema.properties;
      writeJsonFile(d, 'feature-schema.json', { ...schema, properties: { ...properties, spent: { type: 'number' } } });
    });
    const error = await loadError(dir);
    expect(error.data.file).toBe('feature-schema.json');
    expect(error.data.problem).toBe(
      'its properties and the steps of preprocessing.json name different columns (only in feature-schema.json: spent; only in preprocessing.json: spend)',
    );
  });

  it('names the file whose format it does not know', async () => {
    const metadata = await loadError(brokenPackage((d) => writeJsonFile(d, 'metadata.json', { ...readJsonFile(d, 'metadata.json'), format: 'onnx' })));
    expect(metadata.data).toMatchObject({ file: 'metadata.json', problem: 'format is "onnx"; expected "tfjs-layers-model"' });
    const preprocessing = await loadError(brokenPackage((d) => writeJsonFile(d, 'preprocessing.json', { ...spec, format: 'pipe-preprocessing/2' })));
    expect(preprocessing.data).toMatchObject({ file: 'preprocessing.json', problem: 'format is "pipe-preprocessing/2"; expected "pipe-preprocessing/1"' });
    const modelJson = await loadError(brokenPackage((d) => writeJsonFile(d, 'model.json', { ...readJsonFile(d, 'model.json'), format: 'graph-model' })));
    expect(modelJson.data.file).toBe('model.json');
    expect(modelJson.data.problem).toMatch(/^format is "graph-model"; expected "layers-model"/);
  });

  it('loads the reference profile the package lists, and a package from before profiles without one', async () => {
    const pkg = await loadModelPackage(good);
    pkg.dispose();
    expect(pkg.referenceProfile).toEqual(profile);
    expect(Object.keys(pkg.referenceProfile?.features ?? {})).toEqual(['age', 'spend', 'plan']);

    const old = brokenPackage((d) => {
      const { reference_profile: _, ...files } = MODEL_PACKAGE_FILES;
      writeJsonFile(d, 'metadata.json', { ...readJsonFile(d, 'metadata.json'), files });
      unlinkSync(join(d, 'reference-profile.json'));
    });
    const oldPkg = await loadModelPackage(old);
    oldPkg.dispose();
    expect(oldPkg.referenceProfile).toBeUndefined();
  });

  it('names reference-profile.json when it is missing, malformed or profiles other columns', async () => {
    const missing = await loadError(brokenPackage((d) => unlinkSync(join(d, 'reference-profile.json'))));
    expect(missing.data).toMatchObject({ file: 'reference-profile.json', problem: 'missing (metadata.json lists it)' });
    const shares = await loadError(
      brokenPackage((d) => writeJsonFile(d, 'reference-profile.json', { ...profile, prediction: { ...profile.prediction, shares: [1] } })),
    );
    expect(shares.data.file).toBe('reference-profile.json');
    expect(shares.data.problem).toMatch(/^prediction\.shares must be \d+ numbers between 0 and 1, one per bin$/);
    const { plan, ...features } = profile.features;
    const renamed = await loadError(brokenPackage((d) => writeJsonFile(d, 'reference-profile.json', { ...profile, features: { ...features, tier: plan } })));
    expect(renamed.data).toMatchObject({
      file: 'reference-profile.json',
      problem: 'it profiles age, spend, tier; the steps of preprocessing.json are age, spend, plan',
    });
    const kind = await loadError(
      brokenPackage((d) => writeJsonFile(d, 'reference-profile.json', { ...profile, features: { ...features, plan: features.age } })),
    );
    expect(kind.data.problem).toBe('features.plan is numeric, but preprocessing.json treats it as category');
  });

  it('names the missing part and refuses names that leave the package directory', async () => {
    const missing = await loadError(brokenPackage((d) => unlinkSync(join(d, 'feature-schema.json'))));
    expect(missing.data).toMatchObject({ file: 'feature-schema.json', problem: 'missing (metadata.json lists it)' });
    const escape = await loadError(
      brokenPackage((d) => {
        const metadata = readJsonFile(d, 'metadata.json');
        writeJsonFile(d, 'metadata.json', { ...metadata, files: { ...MODEL_PACKAGE_FILES, preprocessing: '../good/preprocessing.json' } });
      }),
    );
    expect(escape.data).toMatchObject({ file: 'metadata.json', problem: 'names "../good/preprocessing.json", which is not a file name inside the package' });
    const notJson = await loadError(brokenPackage((d) => writeFileSync(join(d, 'metadata.json'), '{"format": ')));
    expect(notJson.data.file).toBe('metadata.json');
    expect(notJson.data.problem).toMatch(/^not valid JSON/);
  });
});
