/**
 * @module A loaded pipeline as the parsed cache remembers it, keyed by the stats of the pipeline
 * file and of every vars and params file its loading read: a no-op run of a 400-stage templated
 * dvc.yaml spent ~30 ms expanding, validating and normalising an unchanged file again.
 */
import type { ParsedCache } from '../yaml/parsed-cache.js';
import type { Pipeline } from './pipeline.js';

type Remembered = Omit<Pipeline, 'root' | 'params'> & { readonly params: [string, [string, unknown][]][]; readonly build: string };

/**
 * Which pipe remembered it: a pipeline is normalised by code that changes between versions, and
 * the built chunk's name carries a hash of that code and of everything it imports.
 */
const BUILD = import.meta.url;

const key = (file: string) => `${file}#pipeline`;

/** The pipeline `file` loaded into while none of the files it read has changed since. */
export function rememberedPipeline(cache: ParsedCache, root: string, file: string): Pipeline | undefined {
  const r = cache.getDerived(root, key(file))?.value as Remembered | undefined;
  if (!r || r.build !== BUILD || r.file !== file || !Array.isArray(r.stages) || !Array.isArray(r.params)) return undefined;
  const { build: _build, ...rest } = r;
  return { ...rest, root, params: new Map(r.params.map(([f, values]) => [f, new Map(values)])) };
}

/** Remembers a valid pipeline, read from `files` (relative to `root`). */
export function rememberPipeline(cache: ParsedCache, pipeline: Pipeline, files: readonly string[]): void {
  const { root, params, ...rest } = pipeline;
  const value: Remembered = { ...rest, params: [...params].map(([f, values]) => [f, [...values]]), build: BUILD };
  cache.setDerived(root, key(pipeline.file), files, value);
}
