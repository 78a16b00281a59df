/**
 * @module A tiny model package trained in the test (TF.js, a few epochs on synthetic rows), so
 * the serve tests run without the example pipeline: the same files training writes
 * (metadata.json, model.json + weights.bin, preprocessing.json, feature-schema.json, reference-profile.json), and
 * held-out raw rows with missing values, every category and out-of-range-free numbers.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  MODEL_PACKAGE_FILES,
  MODEL_PACKAGE_FORMAT,
  loadTf,
  profileInputs,
  referenceProfile,
  saveLayersModel,
  transformRows,
  type FeatureSchema,
  type PreprocessingSpec,
  type RawValue,
} from '../../serve/model/index.js';

export const TINY_SPEC: PreprocessingSpec = {
  format: 'pipe-preprocessing/1',
  id: 'id',
  label: { name: 'churn', positive: '1' },
  steps: [
    { name: 'age', kind: 'numeric', impute: 40, transform: 'none', mean: 40, std: 12 },
    { name: 'spend', kind: 'numeric', impute: 20, transform: 'log1p', mean: 3, std: 1.5 },
    { name: 'plan', kind: 'category', impute: 'basic', categories: ['basic', 'plus', 'pro'] },
  ],
  features: ['age', 'spend', 'plan=basic', 'plan=plus', 'plan=pro'],
  fitted_on_rows: 400,
};

export const TINY_SCHEMA: FeatureSchema = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  title: 'One raw input row of the tiny model',
  type: 'object',
  properties: {
    id: { type: 'string' },
    age: { type: 'integer', minimum: 0, maximum: 120 },
    spend: { type: ['number', 'null'], minimum: 0 },
    plan: { enum: ['basic', 'plus', 'pro', null] },
  },
  required: ['age', 'plan'],
  additionalProperties: false,
};

export type TinyRow = Record<string, RawValue>;

/** Deterministic raw rows; `offset` picks another stretch (held-out rows differ from training's). */
export function tinyRows(n: number, offset = 0): TinyRow[] {
  return Array.from({ length: n }, (_, k) => {
    const i = k + offset;
    return {
      id: `c-${i}`,
      age: 18 + ((i * 37) % 70),
      spend: i % 11 === 0 ? null : ((i * 53.3) % 500) + 0.25,
      plan: i % 13 === 0 ? null : (['basic', 'plus', 'pro'] as const)[(i * 7) % 3],
    };
  });
}

const label = (r: TinyRow) => (((r.age as number) > 50) !== (r.plan === 'pro') ? 1 : 0);

/** Trains and writes the tiny package into `dir`; returns 60 held-out raw rows. */
export async function writeTinyPackage(dir: string): Promise<TinyRow[]> {
  const { tf } = await loadTf();
  const train = tinyRows(400);
  const width = TINY_SPEC.features.length;
  const model = tf.sequential({
    layers: [
      tf.layers.dense({ units: 8, activation: 'relu', inputShape: [width], kernelInitializer: tf.initializers.heNormal({ seed: 1 }), name: 'hidden' }),
      tf.layers.dense({ units: 1, activation: 'sigmoid', kernelInitializer: tf.initializers.glorotUniform({ seed: 2 }), name: 'probability' }),
    ],
  });
  model.compile({ optimizer: tf.train.adam(0.05), loss: 'binaryCrossentropy' });
  const x = tf.tensor2d(transformRows(TINY_SPEC, train), [train.length, width]);
  const y = tf.tensor2d(train.map(label), [train.length, 1]);
  await model.fit(x, y, { epochs: 5, batchSize: 50, shuffle: false, verbose: 0 });
  // The reference profile, as the example's training writes it: the raw training rows and their scores.
  const scored = model.predict(x) as { dataSync(): Float32Array; dispose(): void };
  const profile = referenceProfile(profileInputs(TINY_SPEC.steps, train, (r, c) => r[c] ?? null), Array.from(scored.dataSync()));
  scored.dispose();
  tf.dispose([x, y]);
  await saveLayersModel(tf, model, dir);
  model.dispose();
  const json = (name: string, value: unknown) => writeFileSync(join(dir, name), `${JSON.stringify(value, null, 2)}\n`);
  json(MODEL_PACKAGE_FILES.preprocessing, TINY_SPEC);
  json(MODEL_PACKAGE_FILES.feature_schema, TINY_SCHEMA);
  json(MODEL_PACKAGE_FILES.reference_profile, profile);
  json('metadata.json', { model: 'tiny', format: MODEL_PACKAGE_FORMAT, files: MODEL_PACKAGE_FILES, params: { epochs: 5, lr: 0.05 } });
  return tinyRows(60, 1000);
}
