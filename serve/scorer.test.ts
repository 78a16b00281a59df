/**
 * The scorer's engines on a tiny package trained in the test: a few rows through the typed-array
 * loops, batches through tfjs ops, every size equal to the package's model.predict (predictMatrix)
 * within 1e-6; a model the loops do not run still gets the ops; --engine tfjs gets predict; and
 * disposing the scorer frees the tensors it made.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { featureRows, savedDenseModel, worstDifference } from '../test/helpers/dense-model.js';
import { TINY_SPEC, writeTinyPackage } from '../test/helpers/model-package.js';
import { loadModelPackage, loadTf, type Tf } from './model/index.js';
import { TFJS_FROM_ROWS, createScorer } from './scorer.js';

let tf: Tf;
let root: string;
let tiny: string;
const width = TINY_SPEC.features.length;

beforeAll(async () => {
  tf = (await loadTf()).tf;
  root = mkdtempSync(join(tmpdir(), 'pipe-scorer-'));
  tiny = join(root, 'tiny');
  await writeTinyPackage(tiny);
}, 120_000);
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('createScorer', () => {
  it('scores a few rows with the loops and batches with tfjs ops, synchronously, as model.predict does', async () => {
    const pkg = await loadModelPackage(tiny);
    const scorer = await createScorer(pkg);
    expect(scorer.engine).toBe(`typed-array (2 Dense layers, equal to tfjs within 0.000001; tfjs ops from ${TFJS_FROM_ROWS} rows)`);
    const x = featureRows(4096, width);
    for (const rows of [1, TFJS_FROM_ROWS - 1, TFJS_FROM_ROWS, TFJS_FROM_ROWS + 1, 1000, 4096]) {
      const batch = x.subarray(0, rows * width);
      const got = scorer.scoreMatrix(batch, rows);
      // Neither engine waits on a promise: the answer is there when the call returns.
      expect(got, `${rows} rows`).toBeInstanceOf(Float32Array);
      expect(worstDifference(got as Float32Array, await pkg.predictMatrix(batch, rows)), `${rows} rows`).toBeLessThanOrEqual(1e-6);
    }
    scorer.dispose();
    pkg.dispose();
  }, 120_000);

  it('runs a Dense stack the loops do not implement (elu) through tfjs ops, and --engine tfjs through predict', async () => {
    const dir = join(root, 'elu');
    await writeTinyPackage(dir);
    const layers = [
      tf.layers.dense({ units: 6, activation: 'elu', inputShape: [width], kernelInitializer: tf.initializers.glorotNormal({ seed: 3 }), name: 'hidden' }),
      tf.layers.dense({ units: 1, activation: 'sigmoid', kernelInitializer: tf.initializers.glorotNormal({ seed: 4 }), name: 'probability' }),
    ];
    (await savedDenseModel(tf, root, 'elu', layers, width)).model.dispose();
    const pkg = await loadModelPackage(dir);
    const ops = await createScorer(pkg);
    expect(ops.engine).toMatch(/^tfjs \S+ .*\(2 Dense layers through tfjs ops, equal to its predict within 0\.000001; typed-array not used: layer hidden has activation elu\)$/);
    const rows = 200;
    const x = featureRows(rows, width);
    const got = ops.scoreMatrix(x, rows);
    expect(got).toBeInstanceOf(Float32Array);
    const expected = await pkg.predictMatrix(x, rows);
    expect(worstDifference(got as Float32Array, expected)).toBeLessThanOrEqual(1e-6);
    ops.dispose();

    const predict = await createScorer(pkg, { engine: 'tfjs' });
    expect(predict.engine).toMatch(/^tfjs \S+ .*\(predict for every call: asked for tfjs\)$/);
    const viaPredict = predict.scoreMatrix(x, rows);
    expect(viaPredict).toBeInstanceOf(Promise);
    expect(await viaPredict).toEqual(expected);
    predict.dispose();
    pkg.dispose();
  }, 120_000);

  it('frees its own tensors on dispose, leaving the package’s model to the package', async () => {
    const pkg = await loadModelPackage(tiny);
    const before = tf.memory().numTensors;
    const scorer = await createScorer(pkg);
    scorer.scoreMatrix(featureRows(100, width), 100);
    // The ops engine's kernel and bias per layer.
    expect(tf.memory().numTensors).toBe(before + 4);
    scorer.dispose();
    expect(tf.memory().numTensors).toBe(before);
    pkg.dispose();
  }, 120_000);
});
