/**
 * @module A stack of Dense layers run through tfjs ops directly: the service's engine for large
 * batches. model.predict() runs the same kernels but pays the Layers API's bookkeeping on every
 * call (input standardisation, the execution plan, a tidy per layer, ~0.4 ms a call here); this
 * holds each layer's weights as tensors made once, and per batch runs one tf.tidy of the ops Layers'
 * Dense.call runs (tfjs-layers' core.js and K.dot), in the same order, so the answers are the same:
 * fused.matMul with the bias and the activation when Layers fuses that activation (relu, linear,
 * elu), else fused.matMul, add the bias, the activation op. dataSync() makes it synchronous.
 */
import type { Tensor, Tensor1D, Tensor2D, io } from '@tensorflow/tfjs';
import type { Forward } from './dense-forward.js';
import { denseStack } from './dense-stack.js';
import type { Tf } from './model/index.js';

/** What Layers' Dense hands to fused.matMul (tfjs-layers' mapActivationToFusedKernel). */
const FUSED = new Set(['linear', 'relu', 'elu'] as const);
type FusedActivation = typeof FUSED extends Set<infer A> ? A : never;
/** The activations Layers applies after the bias, as the ops its Activation classes call. */
const AFTER_BIAS: ReadonlyMap<string, (tf: Tf, t: Tensor) => Tensor> = new Map([
  ['sigmoid', (tf: Tf, t: Tensor) => tf.sigmoid(t)],
  ['tanh', (tf: Tf, t: Tensor) => tf.tanh(t)],
]);
const SUPPORTED = new Set<string>([...FUSED, ...AFTER_BIAS.keys()]);

export interface TfjsForward {
  readonly forward: Forward;
  readonly layers: number;
  /** Frees the weight tensors. */
  dispose(): void;
}

interface LayerTensors {
  readonly kernel: Tensor2D;
  readonly bias: Tensor1D | undefined;
  readonly fused: FusedActivation | undefined;
  readonly after: ((tf: Tf, t: Tensor) => Tensor) | undefined;
}

/** The forward pass of `artifacts` through tfjs ops on `tf`'s backend, or why it is not a Dense stack this runs. */
export function tfjsDenseForward(tf: Tf, artifacts: io.ModelArtifacts): TfjsForward | { unsupported: string } {
  const stack = denseStack(artifacts, SUPPORTED);
  if ('unsupported' in stack) return stack;
  const width = stack.layers[0].inputs;
  const layers: LayerTensors[] = stack.layers.map((l) => ({
    kernel: tf.tensor2d(l.kernel, [l.inputs, l.units]),
    bias: l.bias ? tf.tensor1d(l.bias) : undefined,
    fused: FUSED.has(l.activation as FusedActivation) ? (l.activation as FusedActivation) : undefined,
    after: AFTER_BIAS.get(l.activation),
  }));

  const forward: Forward = (x, rows) => {
    if (rows === 0) return new Float32Array(0);
    const output = tf.tidy(() => {
      let h: Tensor = tf.tensor2d(x, [rows, width]);
      for (const { kernel, bias, fused, after } of layers) {
        if (fused) {
          h = tf.fused.matMul({ a: h, b: kernel, ...(bias ? { bias } : {}), activation: fused });
        } else {
          h = tf.fused.matMul({ a: h, b: kernel });
          if (bias) h = tf.add(h, bias);
          h = (after as (tf: Tf, t: Tensor) => Tensor)(tf, h);
        }
      }
      return h;
    });
    try {
      // A float32 tensor's values: a Float32Array the caller may keep (wasm copies them off its heap).
      return output.dataSync() as Float32Array;
    } finally {
      output.dispose();
    }
  };
  return {
    forward,
    layers: layers.length,
    dispose: () => {
      for (const { kernel, bias } of layers) tf.dispose(bias ? [kernel, bias] : kernel);
    },
  };
}
