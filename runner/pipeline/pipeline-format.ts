/**
 * @module What a pipeline file format is, for every reader of pipelines: pipeline.yaml today,
 * dvc.yaml next. A format loads the workspace's file strictly (every problem located) and reads
 * any revision's file leniently (an old or broken revision still says which params, metrics and
 * plots files it declares).
 */
import type { SpecIssue } from '../errors.js';
import type { ParsedCache } from '../yaml/parsed-cache.js';
import type { Pipeline } from './pipeline.js';
import type { TrackedFiles } from './tracked-files.js';
import type { VarsReader } from './template/load-vars.js';

export type StrictLoad = { readonly pipeline: Pipeline } | { readonly issues: SpecIssue[]; readonly fromCache: boolean };

export interface PipelineFormat {
  /**
   * The workspace's `files` (the format's, as `FormatEntry.find` found them: the root's first)
   * validated into one pipeline; `fresh` parses again instead of trusting the parsed cache.
   */
  load(o: { readonly root: string; readonly files: readonly string[]; readonly cache: ParsedCache; readonly fresh: boolean }): Promise<StrictLoad>;
  /**
   * The files a parsed file of this format declares, read leniently (any revision, any age):
   * templating is expanded with `read` (the vars files at the same revision) where it can be,
   * and what cannot be resolved is left out. `dir`: the file's directory (`.` at the root).
   */
  declared(value: unknown, read: VarsReader, dir?: string): Promise<TrackedFiles>;
}

export interface FormatEntry {
  /** The file's name (at the repository root, and in subdirectories for dvc.yaml). */
  readonly file: string;
  /** The workspace's files of this format, root's first (none: the format is not used here). */
  readonly find: (root: string, cache: ParsedCache) => string[];
  /** The reader, loaded only when a pipeline of this format is read. */
  readonly format: () => Promise<PipelineFormat>;
}
