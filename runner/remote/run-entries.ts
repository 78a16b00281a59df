/** @module The run-cache entries that travel with push and pull: those that made the lock's results, found by the fingerprint the lock implies. */
import { parseHash } from '../cache/object-store.js';
import type { Lock, LockedPath } from '../lockfile/lock.js';
import type { Pipeline } from '../pipeline/pipeline.js';
import { toRepoPath } from '../fs/repo-path.js';
import { fingerprint } from '../run-cache/fingerprint.js';
import { restorable, runKey, type RunCache, type RunRecord } from '../run-cache/run-cache.js';
import type { Remote } from './remote.js';
import { runTransfers } from './transfer.js';

/** Entries are a few hundred bytes; anything much larger read from a remote is not one. */
export const RUN_ENTRY_MAX_BYTES = 1 << 20;

/**
 * For each selected stage with a lock entry whose outs may be restored (run-cache.ts's
 * `restorable`), the fingerprint of the run that produced the locked outs:
 * the lock records the deps' hashes and params' values that the fingerprint is made of.
 */
export function lockedRuns(pipeline: Pipeline, lock: Lock, stages: ReadonlySet<string>): Map<string, { stage: string; outs: readonly LockedPath[] }> {
  const out = new Map<string, { stage: string; outs: readonly LockedPath[] }>();
  for (const stage of pipeline.stages) {
    const locked = lock.stages[stage.name];
    if (!locked || !stages.has(stage.name)) continue;
    if (!restorable(stage)) continue;
    out.set(fingerprint(stage, locked.deps, locked.params), { stage: stage.name, outs: locked.outs });
  }
  return out;
}

/** A run-cache entry read from a remote, if it is well formed (it is input: checked field by field). */
export function parseRunRecord(bytes: Uint8Array): RunRecord | undefined {
  let v: unknown;
  try {
    v = JSON.parse(Buffer.from(bytes).toString('utf8'));
  } catch {
    return undefined;
  }
  if (typeof v !== 'object' || v === null) return undefined;
  const { stage, outs } = v as Record<string, unknown>;
  if (typeof stage !== 'string' || !Array.isArray(outs)) return undefined;
  const clean: LockedPath[] = [];
  for (const o of outs as Record<string, unknown>[]) {
    if (typeof o !== 'object' || o === null) return undefined;
    const { path, hash, size, nfiles } = o;
    if (typeof path !== 'string' || typeof hash !== 'string' || !parseHash(hash)) return undefined;
    const p = toRepoPath(path);
    if (!p.ok || p.path !== path) return undefined;
    if (!Number.isSafeInteger(size) || (size as number) < 0) return undefined;
    if (nfiles !== undefined && (!Number.isSafeInteger(nfiles) || (nfiles as number) < 0)) return undefined;
    clean.push(nfiles === undefined ? { path, hash, size: size as number } : { path, hash, size: size as number, nfiles: nfiles as number });
  }
  return { stage, outs: clean };
}

/**
 * Copies the remote's entries for `fingerprints` that the local run-cache lacks. Entries that
 * are not well formed are skipped (and counted), never stored.
 */
export async function fetchRunEntries({
  remote,
  runs,
  fingerprints,
  jobs,
}: {
  remote: Remote;
  runs: RunCache;
  fingerprints: Iterable<string>;
  jobs: number;
}): Promise<{ fetched: number; absent: number; malformed: number }> {
  let fetched = 0;
  let absent = 0;
  let malformed = 0;
  const todo = [...fingerprints].filter((fp) => !runs.get(fp));
  await runTransfers({
    items: todo,
    jobs,
    size: () => 0,
    verb: 'downloading',
    work: async (fp) => {
      const bytes = await remote.read(runKey(fp), RUN_ENTRY_MAX_BYTES);
      if (!bytes) {
        absent++;
        return;
      }
      const rec = parseRunRecord(bytes);
      if (!rec) {
        malformed++;
        return;
      }
      runs.put(fp, rec);
      fetched++;
    },
  });
  return { fetched, absent, malformed };
}
