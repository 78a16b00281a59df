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

  // Row by row: each layer gathers the inputs that are not zero (one-hot features and ReLU outputs
  // mostly are), then computes its outputs eight at a time, each in a float64 accumulator started at
  // the bias that adds, input by input, that input times its kernel value (the eight are adjacent in
  // a kernel row: Keras' inputs × units layout). Every output thus sums the same terms in the same
  // order as a dot product over the non-zero inputs, with no call per value, and the accumulators stay
  // in registers (one output at a time through memory cost a third more: ~4.0 against ~2.7 µs a row of
  // the example's MLP). The kernels are kept as float64 (exact copies of the float32 values: the
  // products are the same) so a multiply needs no conversion. Between layers the values are float32,
  // as in tfjs. Scratch buffers are the model's own: forward is synchronous.
  const kinds = dense.map((l) => ACTIVATION_KINDS.get(l.activation) ?? -1);
  const activations = dense.map((l) => ACTIVATIONS.get(l.activation) as Activation);
  const hidden = dense.slice(0, -1).map((l) => new Float32Array(l.units));
  const last = dense.length - 1;
  const widest = Math.max(...dense.map((l) => Math.max(l.inputs, l.units)));
  const nonZeroAt = new Int32Array(widest);
  const nonZero = new Float64Array(widest);
  const sums = new Float64Array(widest);
  const kernels = dense.map((l) => Float64Array.from(l.kernel));

  const forward: Forward = (x, rows) => {
    const outUnits = (dense[last] as DenseLayer).units;
    const result = new Float32Array(rows * outUnits);
    for (let r = 0; r < rows; r++) {
      let input: Float32Array = x;
      let inputStart = r * first.inputs;
      for (let l = 0; l <= last; l++) {
        const { inputs, units, bias } = dense[l] as DenseLayer;
        const kernel = kernels[l] as Float64Array;
        let n = 0;
        for (let i = 0; i < inputs; i++) {
          const v = input[inputStart + i] as number;
          if (v !== 0) {
            nonZeroAt[n] = i;
            nonZero[n++] = v;
          }
        }
        let j = 0;
        for (; j + 7 < units; j += 8) {
          let s0 = bias ? (bias[j] as number) : 0;
          let s1 = bias ? (bias[j + 1] as number) : 0;
          let s2 = bias ? (bias[j + 2] as number) : 0;
          let s3 = bias ? (bias[j + 3] as number) : 0;
          let s4 = bias ? (bias[j + 4] as number) : 0;
          let s5 = bias ? (bias[j + 5] as number) : 0;
          let s6 = bias ? (bias[j + 6] as number) : 0;
          let s7 = bias ? (bias[j + 7] as number) : 0;
          for (let t = 0; t < n; t++) {
            const v = nonZero[t] as number;
            const k = (nonZeroAt[t] as number) * units + j;
            s0 += v * (kernel[k] as number);
            s1 += v * (kernel[k + 1] as number);
            s2 += v * (kernel[k + 2] as number);
            s3 += v * (kernel[k + 3] as number);
            s4 += v * (kernel[k + 4] as number);
            s5 += v * (kernel[k + 5] as number);
            s6 += v * (kernel[k + 6] as number);
            s7 += v * (kernel[k + 7] as number);
          }
          sums[j] = s0;
          sums[j + 1] = s1;
          sums[j + 2] = s2;
          sums[j + 3] = s3;
          sums[j + 4] = s4;
          sums[j + 5] = s5;
          sums[j + 6] = s6;
          sums[j + 7] = s7;
        }
        for (; j < units; j++) {
          let sum = bias ? (bias[j] as number) : 0;
          for (let t = 0; t < n; t++) sum += (nonZero[t] as number) * (kernel[(nonZeroAt[t] as number) * units + j] as number);
          sums[j] = sum;
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
