/**
 * @module A typed-array forward pass for TF.js layers models that are a plain stack of Dense
 * layers (the example's MLP): the inference service's fast path. One tfjs predict() costs ~40 µs
 * whatever the rows, which caps a server at ~8k single-row requests/s; the same arithmetic in
 * plain loops over Float32Arrays costs a few µs per row. Anything else (another layer, a
 * quantized weight, an unknown activation) says why it is not supported, and the service uses
 * tfjs. dense-forward.test.ts and the service's start-up check hold it equal to tfjs (1e-6).
 */
import type { io } from '@tensorflow/tfjs';
import { denseStack, type DenseLayer } from './dense-stack.js';

/** One probability (or output value) per row of `x`, row-major rows × features. */
export type Forward = (x: Float32Array, rows: number) => Float32Array;

type Activation = (v: number) => number;

const ACTIVATIONS: ReadonlyMap<string, Activation> = new Map<string, Activation>([
  ['linear', (v) => v],
  ['relu', (v) => (v > 0 ? v : 0)],
  ['sigmoid', (v) => 1 / (1 + Math.exp(-v))],
  ['tanh', Math.tanh],
]);
const SUPPORTED = new Set(ACTIVATIONS.keys());

const [LINEAR, RELU, SIGMOID] = [0, 1, 2];
/** The activations the loops inline (a call per value costs more than the multiply-adds). */
const ACTIVATION_KINDS = new Map<string, number>([
  ['linear', LINEAR],
  ['relu', RELU],
  ['sigmoid', SIGMOID],
]);

/** The forward pass of `artifacts`, or why it cannot be run without tfjs. */
export function denseForward(artifacts: io.ModelArtifacts): { forward: Forward; layers: number } | { unsupported: string } {
  const stack = denseStack(artifacts, SUPPORTED);
  if ('unsupported' in stack) return stack;
  const dense = stack.layers;
  const first = dense[0];

  // Row by row: each layer adds, for every input that is not zero (one-hot features and ReLU outputs
  // mostly are), that input times its kernel row (contiguous: Keras' inputs × units layout) into a
  // float64 accumulator started at the bias. Every output thus sums the same terms in the same order
  // as a dot product over the non-zero inputs, with no gather and no call per value. Between layers
  // the values are float32, as in tfjs. Scratch buffers are the model's own: forward is synchronous.
  const kinds = dense.map((l) => ACTIVATION_KINDS.get(l.activation) ?? -1);
  const activations = dense.map((l) => ACTIVATIONS.get(l.activation) as Activation);
  const hidden = dense.slice(0, -1).map((l) => new Float32Array(l.units));
  const last = dense.length - 1;
  const widest = Math.max(...dense.map((l) => Math.max(l.inputs, l.units)));
  const nonZeroAt = new Int32Array(widest);
  const nonZero = new Float64Array(widest);
  const sums = new Float64Array(widest);

  const forward: Forward = (x, rows) => {
    const outUnits = (dense[last] as DenseLayer).units;
    const result = new Float32Array(rows * outUnits);
    for (let r = 0; r < rows; r++) {
      let input: Float32Array = x;
      let inputStart = r * first.inputs;
      for (let l = 0; l <= last; l++) {
        const { inputs, units, kernel, bias } = dense[l] as DenseLayer;
        let n = 0;
        for (let i = 0; i < inputs; i++) {
          const v = input[inputStart + i] as number;
          if (v !== 0) {
            nonZeroAt[n] = i;
            nonZero[n++] = v;
          }
        }
        if (bias) for (let j = 0; j < units; j++) sums[j] = bias[j] as number;
        else sums.fill(0, 0, units);
        for (let t = 0; t < n; t++) {
          const v = nonZero[t] as number;
          const k = (nonZeroAt[t] as number) * units;
          let j = 0;
          for (; j + 3 < units; j += 4) {
            sums[j] = (sums[j] as number) + v * (kernel[k + j] as number);
            sums[j + 1] = (sums[j + 1] as number) + v * (kernel[k + j + 1] as number);
            sums[j + 2] = (sums[j + 2] as number) + v * (kernel[k + j + 2] as number);
            sums[j + 3] = (sums[j + 3] as number) + v * (kernel[k + j + 3] as number);
          }
          for (; j < units; j++) sums[j] = (sums[j] as number) + v * (kernel[k + j] as number);
        }
        const output = l === last ? result : (hidden[l] as Float32Array);
        const outStart = l === last ? r * units : 0;
        const kind = kinds[l] as number;
        if (kind === RELU) for (let j = 0; j < units; j++) output[outStart + j] = (sums[j] as number) > 0 ? (sums[j] as number) : 0;
        else if (kind === LINEAR) for (let j = 0; j < units; j++) output[outStart + j] = sums[j] as number;
        else if (kind === SIGMOID) for (let j = 0; j < units; j++) output[outStart + j] = 1 / (1 + Math.exp(-(sums[j] as number)));
        else {
          const activation = activations[l] as Activation;
          for (let j = 0; j < units; j++) output[outStart + j] = activation(sums[j] as number);
        }
        input = output;
        inputStart = outStart;
      }
    }
    return result;
  };
  return { forward, layers: dense.length };
}
