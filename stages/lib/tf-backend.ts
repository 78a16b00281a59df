/**
 * @module Loads TensorFlow.js with the fastest backend that works here: the native one
 * (@tensorflow/tfjs-node, an optional dependency whose install downloads libtensorflow) when it
 * loads, else WebAssembly with its .wasm binaries read from node_modules. Training and evaluation
 * both come through here, so they always run on the same backend.
 */
import { createRequire } from 'node:module';
import { dirname, sep } from 'node:path';
import type * as TfNamespace from '@tensorflow/tfjs';

export type Tf = typeof TfNamespace;

export interface LoadedTf {
  readonly tf: Tf;
  /** `tensorflow` (native) or `wasm`. */
  readonly backend: string;
  /** What else decides the numbers: tfjs version, and for wasm whether SIMD and threads are on. */
  readonly details: Readonly<Record<string, string | boolean>>;
  /** Why the native backend was not used, when it was not. */
  readonly fallbackReason?: string;
}

export async function loadTf(): Promise<LoadedTf> {
  let fallbackReason: string;
  // A variable specifier: the package is optional, so neither TypeScript nor a bundler may require it.
  const nativePackage = '@tensorflow/tfjs-node';
  try {
    const tf = (await import(nativePackage)) as Tf;
    if (!(await tf.setBackend('tensorflow'))) throw new Error('backend "tensorflow" did not initialise');
    await tf.ready();
    return { tf, backend: 'tensorflow', details: { tfjs: tf.version.tfjs } };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    fallbackReason = `${nativePackage} did not load (${message.split('\n')[0]})`;
  }
  const tf = await import('@tensorflow/tfjs');
  const { setWasmPaths } = await import('@tensorflow/tfjs-backend-wasm');
  const wasmDir = dirname(createRequire(import.meta.url).resolve('@tensorflow/tfjs-backend-wasm')) + sep;
  // The threaded build needs a worker script the package does not ship for Node; one thread also
  // keeps the order of floating-point sums, hence the results, fixed.
  tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
  // A path prefix, not a URL: in Node the binaries are read from disk, never fetched.
  setWasmPaths(wasmDir);
  if (!(await tf.setBackend('wasm'))) throw new Error(`the wasm backend did not initialise from ${wasmDir}`);
  await tf.ready();
  const simd = Boolean(await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT'));
  return { tf, backend: 'wasm', details: { tfjs: tf.version.tfjs, simd, threads: false }, fallbackReason };
}
