/**
 * The tfjs-ops engine must give model.predict's answers: Dense stacks built and saved with TF.js,
 * read back as files, scored both ways at the batch sizes the service sends it (from 16 rows up to
 * large batches), with every activation it runs, and it must leave no tensor behind.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { featureRows, layersPredict, savedDenseModel, worstDifference } from '../test/helpers/dense-model.js';
import { loadTf, readLayersModelArtifacts, type Tf } from './model/index.js';
import { tfjsDenseForward } from './tfjs-dense-forward.js';

let tf: Tf;
let root: string;

beforeAll(async () => {
  tf = (await loadTf()).tf;
  root = mkdtempSync(join(tmpdir(), 'pipe-tfjs-forward-'));
}, 120_000);
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('tfjsDenseForward', () => {
  it('gives model.predict’s probabilities to 1e-6 for the example’s shape of MLP, at 1 to 4,096 rows', async () => {
    const width = 38;
    const { model, dir } = await savedDenseModel(
      tf,
      root,
      'mlp',
      [
        tf.layers.dense({ units: 64, activation: 'relu', inputShape: [width], kernelInitializer: tf.initializers.heNormal({ seed: 1 }), biasInitializer: tf.initializers.randomNormal({ seed: 2 }) }),
        tf.layers.dropout({ rate: 0.2 }),
        tf.layers.dense({ units: 32, activation: 'relu', kernelInitializer: tf.initializers.heNormal({ seed: 3 }), biasInitializer: tf.initializers.randomNormal({ seed: 4 }) }),
        tf.layers.dense({ units: 1, activation: 'sigmoid', kernelInitializer: tf.initializers.glorotUniform({ seed: 5 }) }),
      ],
      width,
    );
    const ops = tfjsDenseForward(tf, readLayersModelArtifacts(dir));
    if (!('forward' in ops)) throw new Error(`unsupported: ${ops.unsupported}`);
    expect(ops.layers).toBe(3);
    const x = featureRows(4096, width);
    for (const rows of [1, 16, 17, 1000, 4096]) {
      const batch = x.subarray(0, rows * width);
      const expected = await layersPredict(tf, model, batch, rows, width);
      const got = ops.forward(batch, rows);
      expect(got, `${rows} rows`).toHaveLength(rows);
      expect(worstDifference(got, expected), `${rows} rows`).toBeLessThanOrEqual(1e-6);
    }
    // Not all alike: the comparison means something.
    expect(new Set(Array.from(ops.forward(x, 4096), (v) => v.toFixed(3))).size).toBeGreaterThan(200);
    expect(ops.forward(x, 0)).toEqual(new Float32Array(0));
    ops.dispose();
    model.dispose();
  }, 120_000);

  it('gives model.predict’s answers for tanh, elu and linear layers with and without a bias', async () => {
    const width = 9;
    const { model, dir } = await savedDenseModel(
      tf,
      root,
      'activations',
      [
        tf.layers.dense({ units: 7, activation: 'linear', useBias: false, inputShape: [width], kernelInitializer: tf.initializers.glorotNormal({ seed: 6 }) }),
        tf.layers.dense({ units: 6, activation: 'elu', biasInitializer: tf.initializers.randomNormal({ seed: 7 }), kernelInitializer: tf.initializers.glorotNormal({ seed: 8 }) }),
        tf.layers.dense({ units: 5, activation: 'tanh', biasInitializer: tf.initializers.randomNormal({ seed: 9 }), kernelInitializer: tf.initializers.glorotNormal({ seed: 10 }) }),
        tf.layers.dense({ units: 1, activation: 'sigmoid', useBias: false, kernelInitializer: tf.initializers.glorotNormal({ seed: 11 }) }),
      ],
      width,
    );
    const ops = tfjsDenseForward(tf, readLayersModelArtifacts(dir));
    if (!('forward' in ops)) throw new Error(`unsupported: ${ops.unsupported}`);
    for (const rows of [17, 300]) {
      const x = featureRows(rows, width);
      const got = ops.forward(x, rows);
      expect(worstDifference(got, await layersPredict(tf, model, x, rows, width)), `${rows} rows`).toBeLessThanOrEqual(1e-6);
      expect(new Set(Array.from(got, (v) => v.toFixed(3))).size).toBeGreaterThan(10);
    }
    ops.dispose();
    model.dispose();
  }, 120_000);

  it('keeps no tensor per call, and dispose frees its weights', async () => {
    const width = 4;
    const { model, dir } = await savedDenseModel(tf, root, 'memory', [tf.layers.dense({ units: 3, activation: 'relu', inputShape: [width] }), tf.layers.dense({ units: 1, activation: 'sigmoid' })], width);
    model.dispose();
    const before = tf.memory().numTensors;
    const ops = tfjsDenseForward(tf, readLayersModelArtifacts(dir));
    if (!('forward' in ops)) throw new Error(`unsupported: ${ops.unsupported}`);
    expect(tf.memory().numTensors).toBe(before + 4);
    for (let i = 0; i < 3; i++) ops.forward(featureRows(20, width), 20);
    expect(tf.memory().numTensors).toBe(before + 4);
    ops.dispose();
    expect(tf.memory().numTensors).toBe(before);
  }, 120_000);

  it('says why a model with another kind of layer or activation is not supported', async () => {
    const norm = await savedDenseModel(tf, root, 'batchnorm', [tf.layers.dense({ units: 4, activation: 'relu', inputShape: [3] }), tf.layers.batchNormalization({ name: 'norm' }), tf.layers.dense({ units: 1, activation: 'sigmoid' })], 3);
    expect(tfjsDenseForward(tf, readLayersModelArtifacts(norm.dir))).toEqual({ unsupported: 'layer norm is BatchNormalization' });
    const selu = await savedDenseModel(tf, root, 'selu', [tf.layers.dense({ units: 1, activation: 'selu', inputShape: [2], name: 'out' })], 2);
    expect(tfjsDenseForward(tf, readLayersModelArtifacts(selu.dir))).toEqual({ unsupported: 'layer out has activation selu' });
    norm.model.dispose();
    selu.model.dispose();
  }, 120_000);
});
