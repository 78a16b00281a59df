/**
 * @module Loads TensorFlow.js with the fastest backend that works here: the native one
 * (@tensorflow/tfjs-node, an optional dependency whose install downloads libtensorflow) when it
 * loads, else WebAssembly with its .wasm binaries read from node_modules. Training, evaluation and
 * serving all come through here, so they always run on the same backend with the same settings.
 */
import { createRequire } from 'node:module';
import { dirname, sep } from 'node:path';
import type * as TfNamespace from '@tensorflow/tfjs';

export type Tf = typeof TfNamespace;

export interface LoadedTf {
  readonly tf: Tf;
  readonly backend: 'tensorflow' | 'wasm';
  /** What else decides the numbers: tfjs version, and for wasm whether SIMD and threads are on. */
  readonly details: Readonly<Record<string, string | boolean>>;
  /** One line for a log, e.g. `wasm (tfjs-node not installed)` or `tensorflow (native, tfjs-node)`. */
  readonly summary: string;
}

const NATIVE_PACKAGE = '@tensorflow/tfjs-node';
const nodeRequire = createRequire(import.meta.url);

let loading: Promise<LoadedTf> | undefined;

/** The process's TensorFlow.js: the backend is chosen on the first call and shared by every later one. */
export function loadTf(): Promise<LoadedTf> {
  loading ??= chooseBackend().catch((error: unknown) => {
    loading = undefined;
    throw error;
  });
  return loading;
}

function isInstalled(name: string): boolean {
  try {
    nodeRequire.resolve(name);
    return true;
  } catch {
    return false;
  }
}

async function chooseBackend(): Promise<LoadedTf> {
  let whyNotNative = 'tfjs-node not installed';
  if (isInstalled(NATIVE_PACKAGE)) {
    try {
      // A variable specifier: the package is optional, so neither TypeScript nor a bundler may require it.
      const tf = (await import(NATIVE_PACKAGE)) as Tf;
      if (!(await tf.setBackend('tensorflow'))) throw new Error('backend "tensorflow" did not initialise');
      await tf.ready();
      return { tf, backend: 'tensorflow', details: { tfjs: tf.version.tfjs }, summary: 'tensorflow (native, tfjs-node)' };
    } catch (error) {
      whyNotNative = `tfjs-node did not load: ${(error instanceof Error ? error.message : String(error)).split('\n')[0]}`;
    }
  }
  const tf = await import('@tensorflow/tfjs');
  const { setWasmPaths } = await import('@tensorflow/tfjs-backend-wasm');
  const wasmDir = dirname(nodeRequire.resolve('@tensorflow/tfjs-backend-wasm')) + sep;
  // The threaded build needs a worker script the package does not ship for Node; one thread also
  // keeps the order of floating-point sums, hence the results, fixed.
  tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
  // A path prefix, not a URL: in Node the binaries are read from disk, never fetched.
  setWasmPaths(wasmDir);
  if (!(await tf.setBackend('wasm'))) throw new Error(`the wasm backend did not initialise from ${wasmDir}`);
  await tf.ready();
  const simd = Boolean(await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT'));
  return { tf, backend: 'wasm', details: { tfjs: tf.version.tfjs, simd, threads: false }, summary: `wasm (${whyNotNative})` };
}
