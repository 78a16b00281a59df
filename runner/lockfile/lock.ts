/** @module The shape of data.lock: what each stage last ran with and produced, and tracked raw data. */
import type { RepoPath } from '../pipeline/pipeline.js';

export const LOCK_FILE = 'data.lock';
export const LOCK_SCHEMA = 1;

export interface LockedPath {
  readonly path: RepoPath;
  readonly hash: string;
  readonly size: number;
  readonly nfiles?: number;
}

export interface StageLock {
  readonly cmd: string | readonly string[];
  readonly wdir?: RepoPath;
  readonly env?: Readonly<Record<string, string>>;
  readonly deps: readonly LockedPath[];
  /** params file → key → value. */
  readonly params: Readonly<Record<RepoPath, Readonly<Record<string, unknown>>>>;
  readonly outs: readonly LockedPath[];
}

export interface DataLock {
  readonly hash: string;
  readonly size: number;
  readonly nfiles?: number;
}

export interface Lock {
  readonly schema: typeof LOCK_SCHEMA;
  readonly stages: Readonly<Record<string, StageLock>>;
  readonly data: Readonly<Record<RepoPath, DataLock>>;
}

export function emptyLock(): Lock {
  return { schema: LOCK_SCHEMA, stages: {}, data: {} };
}
