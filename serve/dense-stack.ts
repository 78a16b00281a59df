/**
 * @module The layers of a TF.js layers model that is a plain stack of Dense layers (the example's
 * MLP), read from its files: kernels, biases and activation names, or why the model is not such a
 * stack. The service's two engines beside model.predict (dense-forward.ts, plain loops, and
 * tfjs-dense-forward.ts, tfjs ops) run these; each says which activations it implements.
 */
import type { io } from '@tensorflow/tfjs';

export interface DenseLayer {
  readonly name: string;
  readonly inputs: number;
  readonly units: number;
  /** inputs × units, row-major (Keras' kernel layout). */
  readonly kernel: Float32Array;
  readonly bias: Float32Array | undefined;
  /** As Keras names it: `relu`, `sigmoid`, `linear`, … */
  readonly activation: string;
}

/** Layers that do nothing at inference time. */
const PASS_THROUGH = new Set(['InputLayer', 'Dropout', 'GaussianNoise', 'GaussianDropout', 'AlphaDropout']);

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

/**
 * The Dense layers of `artifacts` in order, each taking what the one before gives, or why the model
 * is not a stack of them. `activations` are those the caller implements; another is unsupported.
 */
export function denseStack(artifacts: io.ModelArtifacts, activations: ReadonlySet<string>): { layers: readonly [DenseLayer, ...DenseLayer[]] } | { unsupported: string } {
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
    const activation = String(layer.config?.activation ?? 'linear');
    if (!activations.has(activation)) return { unsupported: `layer ${name} has activation ${activation}` };
    const kernel = weights.get(`${name}/kernel`);
    const bias = layer.config?.use_bias === false ? undefined : weights.get(`${name}/bias`);
    const [inputs, units] = kernel?.shape ?? [];
    if (!kernel || kernel.shape.length !== 2 || inputs === undefined || units === undefined) return { unsupported: `layer ${name} has no 2-d kernel` };
    if (layer.config?.use_bias !== false && (!bias || bias.values.length !== units)) return { unsupported: `layer ${name} has no bias of ${units} values` };
    const previous = dense.at(-1);
    if (previous && previous.units !== inputs) return { unsupported: `layer ${name} takes ${inputs} inputs, the layer before gives ${previous.units}` };
    dense.push({ name, inputs, units, kernel: kernel.values, bias: bias?.values, activation });
  }
  const [first, ...rest] = dense;
  if (!first) return { unsupported: 'no Dense layer' };
  const used = dense.reduce((n, layer) => n + (layer.bias ? 2 : 1), 0);
  if (weights.size > used) return { unsupported: `${weights.size} weights, of which the Dense layers use ${used}` };
  return { layers: [first, ...rest] };
}
