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

const key = (format: string) => `${format}#pipeline`;

/**
 * The pipeline of `format` loaded from `files` while none of the files it read has changed since
 * (and the workspace still has exactly those pipeline files: a dvc.yaml added in a new directory
 * is not among the files it read).
 */
export function rememberedPipeline(cache: ParsedCache, root: string, format: string, files: readonly string[]): Pipeline | undefined {
  const r = cache.getDerived(root, key(format))?.value as Remembered | undefined;
  if (!r || r.build !== BUILD || !Array.isArray(r.stages) || !Array.isArray(r.params)) return undefined;
  const had = r.files ?? [r.file];
  if (had.length !== files.length || had.some((f, i) => f !== files[i])) return undefined;
  const { build: _build, ...rest } = r;
  return { ...rest, root, params: new Map(r.params.map(([f, values]) => [f, new Map(values)])) };
}

/** Remembers a valid pipeline of `format`, read from `files` (relative to `root`). */
export function rememberPipeline(cache: ParsedCache, format: string, pipeline: Pipeline, files: readonly string[]): void {
  const { root, params, ...rest } = pipeline;
  const value: Remembered = { ...rest, params: [...params].map(([f, values]) => [f, [...values]]), build: BUILD };
  cache.setDerived(root, key(format), files, value);
}
