/**
 * @module Small Dense stacks built and saved with TF.js, the rows to score them on, and
 * model.predict's answers: what the service's engines beside model.predict (serve/dense-forward.ts,
 * serve/tfjs-dense-forward.ts) are held equal to.
 */
import { join } from 'node:path';
import type { LayersModel, Tensor } from '@tensorflow/tfjs';
import { saveLayersModel, type Tf } from '../../serve/model/index.js';

/** Deterministic rows: half the features one-hot (0/1), the rest spread over ±3. */
export function featureRows(rows: number, width: number): Float32Array {
  const x = new Float32Array(rows * width);
  let s = 12345;
  const next = () => ((s = (s * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  for (let i = 0; i < x.length; i++) x[i] = i % width < width / 2 ? Math.round(next()) : (next() - 0.5) * 6;
  return x;
}

/** A Sequential model of `layers` over `width` features, saved as layers-model files in root/name. */
export async function savedDenseModel(tf: Tf, root: string, name: string, layers: readonly unknown[], width: number): Promise<{ model: LayersModel; dir: string }> {
  const model = tf.sequential();
  for (const layer of layers) (model as unknown as { add(l: unknown): void }).add(layer);
  model.build([null, width]);
  const dir = join(root, name);
  await saveLayersModel(tf, model, dir);
  return { model, dir };
}

/** model.predict of the whole batch in one call, as the service's package does. */
export async function layersPredict(tf: Tf, model: LayersModel, x: Float32Array, rows: number, width: number): Promise<Float32Array> {
  const input = tf.tensor2d(x, [rows, width]);
  const output = model.predict(input, { batchSize: rows }) as Tensor;
  const values = (await output.data()) as Float32Array;
  tf.dispose([input, output]);
  return values;
}

/** How far an engine's probabilities are from the reference at worst (the service's own start-up check). */
export { worstDifference } from '../../serve/scorer.js';
