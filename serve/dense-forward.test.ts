/**
 * The fast path must give tfjs's answers: small Dense stacks built and saved with TF.js (wasm),
 * read back as files, and scored both ways on rows with one-hot zeros, negatives and large values.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { featureRows, layersPredict, savedDenseModel, worstDifference } from '../test/helpers/dense-model.js';
import { denseForward } from './dense-forward.js';
import { loadTf, readLayersModelArtifacts, type Tf } from './model/index.js';

let tf: Tf;
let root: string;

beforeAll(async () => {
  tf = (await loadTf()).tf;
  root = mkdtempSync(join(tmpdir(), 'pipe-dense-forward-'));
}, 120_000);
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('denseForward', () => {
  it('gives tfjs’s probabilities to 1e-6 for a ReLU/tanh MLP with dropout and a sigmoid output', async () => {
    const width = 12;
    const { model, dir } = await savedDenseModel(
      tf,
      root,
      'mlp',
      [
        tf.layers.dense({ units: 16, activation: 'relu', inputShape: [width], kernelInitializer: tf.initializers.heNormal({ seed: 1 }), biasInitializer: tf.initializers.randomNormal({ seed: 2 }) }),
        tf.layers.dropout({ rate: 0.3 }),
        tf.layers.dense({ units: 8, activation: 'tanh', kernelInitializer: tf.initializers.glorotUniform({ seed: 3 }) }),
        tf.layers.dense({ units: 1, activation: 'sigmoid', kernelInitializer: tf.initializers.glorotUniform({ seed: 4 }) }),
      ],
      width,
    );
    const fast = denseForward(readLayersModelArtifacts(dir));
    if (!('forward' in fast)) throw new Error(`unsupported: ${fast.unsupported}`);
    expect(fast.layers).toBe(3);
    const rows = 300;
    const x = featureRows(rows, width);
    const expected = await layersPredict(tf, model, x, rows, width);
    const got = fast.forward(x, rows);
    expect(got).toHaveLength(rows);
    expect(worstDifference(got, expected)).toBeLessThanOrEqual(1e-6);
    // Not all alike: the comparison means something.
    expect(new Set(Array.from(got, (v) => v.toFixed(3))).size).toBeGreaterThan(50);
  }, 120_000);

  it('gives tfjs’s answers for layers without a bias, with a linear activation and widths that are not a multiple of eight, row after row', async () => {
    const width = 9;
    const { model, dir } = await savedDenseModel(
      tf,
      root,
      'nobias',
      [
        tf.layers.dense({ units: 13, activation: 'linear', useBias: false, inputShape: [width], kernelInitializer: tf.initializers.glorotNormal({ seed: 5 }) }),
        tf.layers.dense({ units: 11, activation: 'relu', biasInitializer: tf.initializers.randomNormal({ seed: 6 }), kernelInitializer: tf.initializers.glorotNormal({ seed: 7 }) }),
        tf.layers.dense({ units: 1, activation: 'sigmoid', useBias: false, kernelInitializer: tf.initializers.glorotNormal({ seed: 8 }) }),
      ],
      width,
    );
    const fast = denseForward(readLayersModelArtifacts(dir));
    if (!('forward' in fast)) throw new Error(`unsupported: ${fast.unsupported}`);
    const rows = 40;
    const x = featureRows(rows, width);
    const expected = await layersPredict(tf, model, x, rows, width);
    const got = fast.forward(x, rows);
    expect(worstDifference(got, expected)).toBeLessThanOrEqual(1e-6);
    // One row alone gives what it gave inside the batch: nothing carries over between rows or calls.
    expect(fast.forward(x.subarray(5 * width, 6 * width), 1)[0]).toBe(got[5]);
    expect(new Set(Array.from(got, (v) => v.toFixed(3))).size).toBeGreaterThan(10);
  }, 120_000);

  it('says why a model with another kind of layer is not supported', async () => {
    const layers = [tf.layers.dense({ units: 4, activation: 'relu', inputShape: [3] }), tf.layers.batchNormalization({ name: 'norm' }), tf.layers.dense({ units: 1, activation: 'sigmoid' })];
    const { dir } = await savedDenseModel(tf, root, 'batchnorm', layers, 3);
    expect(denseForward(readLayersModelArtifacts(dir))).toEqual({ unsupported: 'layer norm is BatchNormalization' });
  }, 120_000);

  it('says why an activation it does not implement is not supported', async () => {
    const { dir } = await savedDenseModel(tf, root, 'selu', [tf.layers.dense({ units: 1, activation: 'selu', inputShape: [2], name: 'out' })], 2);
    expect(denseForward(readLayersModelArtifacts(dir))).toEqual({ unsupported: 'layer out has activation selu' });
  }, 120_000);
});
