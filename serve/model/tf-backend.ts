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
  /**
   * The backend and why, for the one line a process prints (`tfjs backend: …`), e.g.
   * `wasm (@tensorflow/tfjs-node not installed)` or `tensorflow (native, @tensorflow/tfjs-node)`.
   * Information, not an error: it never holds the native package's load error.
   */
  readonly summary: string;
}

const NATIVE_PACKAGE = '@tensorflow/tfjs-node';
const nodeRequire = createRequire(import.meta.url);

let loading: Promise<LoadedTf> | undefined;

/** The process's TensorFlow.js: the backend is chosen on the first call and shared by every later one. */
export function loadTf(): Promise<LoadedTf> {
  loading ??= chooseBackend({}).catch((error: unknown) => {
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

/** The one line a process prints about its backend. */
export function backendLine({ summary }: Pick<LoadedTf, 'summary'>): string {
  return `tfjs backend: ${summary}`;
}

/**
 * Chooses and initialises the backend. `nativePackage` is what is tried first (tests point it at
 * a module that fails to load). Its load error is left out of the summary: an optional package
 * that did not load is why the wasm backend is used, not a failure of the run.
 */
export async function chooseBackend({ nativePackage = NATIVE_PACKAGE }: { nativePackage?: string }): Promise<LoadedTf> {
  let whyNotNative = `${NATIVE_PACKAGE} not installed`;
  if (isInstalled(nativePackage)) {
    try {
      // A variable specifier: the package is optional, so neither TypeScript nor a bundler may require it.
      const tf = (await import(nativePackage)) as Tf;
      if (!(await tf.setBackend('tensorflow'))) throw new Error('backend "tensorflow" did not initialise');
      await tf.ready();
      return { tf, backend: 'tensorflow', details: { tfjs: tf.version.tfjs }, summary: `tensorflow (native, ${NATIVE_PACKAGE})` };
    } catch {
      whyNotNative = `${NATIVE_PACKAGE} is installed but does not load here; node -e "import('${NATIVE_PACKAGE}')" shows why`;
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
