/** @module The run-cache: fingerprint → outs of a successful run, one small JSON file per run under .pipe/cache/runs/. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { listFanOut } from '../fs/list-fan-out.js';
import { writeFileAtomic } from '../fs/write-file-atomic.js';
import type { LockedPath } from '../lockfile/lock.js';
import type { Stage } from '../pipeline/pipeline.js';

export interface RunRecord {
  readonly stage: string;
  readonly outs: readonly LockedPath[];
}

/**
 * Whether the run-cache may record and restore this stage: it has outs, none persistent (a
 * persistent out accumulates across runs, so an old run's bytes are not its result), and it is
 * not always_changed. Outs that are not cached (metrics, plots) take part: their bytes are kept
 * in the store for the run-cache, and written back as files of their own.
 */
export function restorable(stage: Stage): boolean {
  return !stage.alwaysChanged && stage.outs.length > 0 && stage.outs.every((o) => !o.persist);
}

/** Key relative to the store root, the same in the cache and in remotes: `runs/ab/cdef…`. */
export function runKey(fp: string): string {
  if (!/^[0-9a-f]{64}$/.test(fp)) throw new Error(`not a run fingerprint: ${fp}`);
  return `runs/${fp.slice(0, 2)}/${fp.slice(2)}`;
}

export class RunCache {
  readonly #root: string;

  constructor(storeRoot: string) {
    this.#root = storeRoot;
  }

  get(fp: string): RunRecord | undefined {
    try {
      const r = JSON.parse(readFileSync(join(this.#root, runKey(fp)), 'utf8')) as RunRecord;
      return Array.isArray(r.outs) && r.outs.every((o) => typeof o.path === 'string' && typeof o.hash === 'string') ? r : undefined;
    } catch {
      return undefined;
    }
  }

  put(fp: string, record: RunRecord): void {
    writeFileAtomic(join(this.#root, runKey(fp)), `${JSON.stringify(record)}\n`);
  }

  /** Every recorded fingerprint (for gc and push). */
  list(): string[] {
    return listFanOut(join(this.#root, 'runs'), /^[0-9a-f]{62}$/);
  }
}
