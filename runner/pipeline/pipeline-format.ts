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
  /** The workspace's `file`, validated; `fresh` parses again instead of trusting the parsed cache. */
  load(o: { readonly root: string; readonly file: string; readonly cache: ParsedCache; readonly fresh: boolean }): Promise<StrictLoad>;
  /**
   * The files a parsed file of this format declares, read leniently (any revision, any age):
   * templating is expanded with `read` (the vars files at the same revision) where it can be,
   * and what cannot be resolved is left out.
   */
  declared(value: unknown, read: VarsReader): Promise<TrackedFiles>;
}

export interface FormatEntry {
  /** The file's name at the repository root. */
  readonly file: string;
  /** The reader, loaded only when a pipeline of this format is read. */
  readonly format: () => Promise<PipelineFormat>;
}
