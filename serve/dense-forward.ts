/**
 * @module A typed-array forward pass for TF.js layers models that are a plain stack of Dense
 * layers (the example's MLP): the inference service's fast path. One tfjs predict() costs ~40 µs
 * whatever the rows, which caps a server at ~8k single-row requests/s; the same arithmetic in
 * plain loops over Float32Arrays costs a few µs per row. Anything else (another layer, a
 * quantized weight, an unknown activation) says why it is not supported, and the service uses
 * tfjs. dense-forward.test.ts and the service's start-up check hold it equal to tfjs (1e-6).
 */
import type { io } from '@tensorflow/tfjs';

/** One probability (or output value) per row of `x`, row-major rows × features. */
export type Forward = (x: Float32Array, rows: number) => Float32Array;

type Activation = (v: number) => number;

const ACTIVATIONS: Readonly<Record<string, Activation>> = {
  linear: (v) => v,
  relu: (v) => (v > 0 ? v : 0),
  sigmoid: (v) => 1 / (1 + Math.exp(-v)),
  tanh: Math.tanh,
};

const [LINEAR, RELU, SIGMOID] = [0, 1, 2];
/** The activations the loops inline (a call per value costs more than the multiply-adds). */
const ACTIVATION_KINDS = new Map<Activation, number>([
  [ACTIVATIONS.linear as Activation, LINEAR],
  [ACTIVATIONS.relu as Activation, RELU],
  [ACTIVATIONS.sigmoid as Activation, SIGMOID],
]);

/** Layers that do nothing at inference time. */
const PASS_THROUGH = new Set(['InputLayer', 'Dropout', 'GaussianNoise', 'GaussianDropout', 'AlphaDropout']);

interface DenseLayer {
  readonly inputs: number;
  readonly units: number;
  /** inputs × units, row-major (Keras' kernel layout). */
  readonly kernel: Float32Array;
  readonly bias: Float32Array | undefined;
  readonly activation: Activation;
}

interface LayerJson {
  readonly class_name?: unknown;
  readonly config?: { readonly name?: unknown; readonly units?: unknown; readonly activation?: unknown; readonly use_bias?: unknown };
}

/** The layer list of a Sequential topology (Keras writes it bare, or under model_config). */
function sequentialLayers(topology: unknown): readonly LayerJson[] | string {
  const t = topology as { class_name?: unknown; config?: unknown; model_config?: unknown } | null;
  if (t && typeof t === 'object' && 'model_config' in t && t.model_config) return sequentialLayers(t.model_config);
  if (t?.class_name !== 'Sequential') return `a ${String(t?.class_name)} model, not a Sequential stack`;
  const config = t.config as { layers?: unknown } | unknown[] | undefined;
  const layers = Array.isArray(config) ? config : (config as { layers?: unknown } | undefined)?.layers;
  return Array.isArray(layers) ? (layers as LayerJson[]) : 'no layer list';
}

/** The float32 weights by name, from the artifacts' specs and data (in spec order, as TF.js stores them). */
function weightsByName(artifacts: io.ModelArtifacts): Map<string, { shape: readonly number[]; values: Float32Array }> | string {
  const specs = artifacts.weightSpecs ?? [];
  const data = artifacts.weightData;
  if (!(data instanceof ArrayBuffer)) return 'weights split over several buffers';
  const out = new Map<string, { shape: readonly number[]; values: Float32Array }>();
  let offset = 0;
  for (const spec of specs) {
    if (spec.dtype !== 'float32' || spec.quantization) return `weight ${spec.name} is ${spec.quantization ? 'quantized' : spec.dtype}, not plain float32`;
    const n = spec.shape.reduce((a, d) => a * d, 1);
    // A copy: aligned, and independent of the file's buffer.
    out.set(spec.name, { shape: spec.shape, values: new Float32Array(data.slice(offset, offset + n * 4)) });
    offset += n * 4;
  }
  return out;
}

/** The forward pass of `artifacts`, or why it cannot be run without tfjs. */
export function denseForward(artifacts: io.ModelArtifacts): { forward: Forward; layers: number } | { unsupported: string } {
  const layers = sequentialLayers(artifacts.modelTopology);
  if (typeof layers === 'string') return { unsupported: layers };
  const weights = weightsByName(artifacts);
  if (typeof weights === 'string') return { unsupported: weights };
  const dense: DenseLayer[] = [];
  for (const layer of layers) {
    const kind = String(layer.class_name);
    if (PASS_THROUGH.has(kind)) continue;
    if (kind !== 'Dense') return { unsupported: `layer ${String(layer.config?.name)} is ${kind}` };
    const name = String(layer.config?.name);
    const activationName = String(layer.config?.activation ?? 'linear');
    const activation = ACTIVATIONS[activationName];
    if (!activation) return { unsupported: `layer ${name} has activation ${activationName}` };
    const kernel = weights.get(`${name}/kernel`);
    const bias = layer.config?.use_bias === false ? undefined : weights.get(`${name}/bias`);
    const [inputs, units] = kernel?.shape ?? [];
    if (!kernel || kernel.shape.length !== 2 || inputs === undefined || units === undefined) return { unsupported: `layer ${name} has no 2-d kernel` };
    if (layer.config?.use_bias !== false && (!bias || bias.values.length !== units)) return { unsupported: `layer ${name} has no bias of ${units} values` };
    const previous = dense.at(-1);
    if (previous && previous.units !== inputs) return { unsupported: `layer ${name} takes ${inputs} inputs, the layer before gives ${previous.units}` };
    dense.push({ inputs, units, kernel: kernel.values, bias: bias?.values, activation });
  }
  const first = dense[0];
  if (!first) return { unsupported: 'no Dense layer' };
  const used = dense.reduce((n, layer) => n + (layer.bias ? 2 : 1), 0);
  if (weights.size > used) return { unsupported: `${weights.size} weights, of which the Dense layers use ${used}` };

  // Row by row: each layer adds, for every input that is not zero (one-hot features and ReLU outputs
  // mostly are), that input times its kernel row (contiguous: Keras' inputs × units layout) into a
  // float64 accumulator started at the bias. Every output thus sums the same terms in the same order
  // as a dot product over the non-zero inputs, with no gather and no call per value. Between layers
  // the values are float32, as in tfjs. Scratch buffers are the model's own: forward is synchronous.
  const kinds = dense.map((l) => ACTIVATION_KINDS.get(l.activation) ?? -1);
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
        const { inputs, units, kernel, bias, activation } = dense[l] as DenseLayer;
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
        else for (let j = 0; j < units; j++) output[outStart + j] = activation(sums[j] as number);
        input = output;
        inputStart = outStart;
      }
    }
    return result;
  };
  return { forward, layers: dense.length };
}
