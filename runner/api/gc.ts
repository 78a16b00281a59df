/** @module `pipe gc --workspace`: remove objects (and run-cache entries) that nothing in the current workspace needs. */
import { existsSync, lstatSync, readdirSync, rmSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import { listObjects } from '../cache/list-objects.js';
import { ObjectStore } from '../cache/object-store.js';
import { WorkspaceRecord } from '../cache/workspace-record.js';
import { loadPipeline } from '../config/load-pipeline.js';
import { ParsedCache } from '../config/parsed-cache.js';
import { HASH_ALGORITHM } from '../hash/hash-file.js';
import type { Lock } from '../lockfile/lock.js';
import { acquireMutex } from '../lockfile/mutex.js';
import { readLock } from '../lockfile/read-lock.js';
import { RunCache, runKey } from '../run-cache/run-cache.js';
import { ensurePipeDir } from '../repo/pipe-dir.js';

export interface GcOptions {
  readonly root: string;
  readonly dry?: boolean;
  /** Keep every run-cache entry and the objects it names (default: only the entries of the current lock). */
  readonly keepRunCache?: boolean;
  readonly waitSeconds?: number;
}

export interface GcResult {
  readonly removedObjects: readonly { hash: string; size: number }[];
  readonly removedRuns: number;
  readonly keptObjects: number;
  readonly keptRuns: number;
  readonly freedBytes: number;
}

export async function gc(o: GcOptions): Promise<GcResult> {
  const dir = ensurePipeDir(o.root);
  const parsed = new ParsedCache(dir.tmp);
  await loadPipeline({ root: o.root, cache: parsed }); // a broken pipeline.yaml is reported, not collected around
  const mutex = o.dry ? undefined : await acquireMutex({ file: dir.mutex, command: 'pipe gc', waitSeconds: o.waitSeconds ?? 60 });
  try {
    const lock = await readLock({ root: o.root, cache: parsed });
    const store = new ObjectStore(dir.cache);
    const runs = new RunCache(dir.cache);

    const roots = new Set(lockHashes(lock));
    // What pipe placed and is still in the workspace (a deleted path protects nothing).
    for (const [path, hash] of new WorkspaceRecord(dir.tmp).entries) if (existsSync(join(o.root, path))) roots.add(hash);
    // Run-cache entries kept: those whose outs are exactly what the current lock holds (how the
    // current results were made), or all of them with keepRunCache.
    const keptRuns: string[] = [];
    const droppedRuns: string[] = [];
    for (const fp of runs.list()) {
      const rec = runs.get(fp);
      const current = rec !== undefined && rec.outs.every((x) => roots.has(x.hash));
      if (o.keepRunCache && rec) for (const x of rec.outs) roots.add(x.hash);
      (o.keepRunCache || current ? keptRuns : droppedRuns).push(fp);
    }

    const referenced = new Set<string>();
    for (const hash of roots) {
      referenced.add(hash);
      if (hash.endsWith('.dir')) {
        for (const e of store.readManifest(hash) ?? []) referenced.add(`${HASH_ALGORITHM}:${e.hash}`);
      }
    }
    const removedObjects: { hash: string; size: number }[] = [];
    let kept = 0;
    for (const hash of listObjects(dir.cache)) {
      if (referenced.has(hash)) {
        kept++;
        continue;
      }
      const p = store.path(hash);
      const size = lstatSync(p).size;
      if (!o.dry) unlinkSync(p);
      removedObjects.push({ hash, size });
    }
    if (!o.dry) {
      for (const fp of droppedRuns) rmSync(join(dir.cache, runKey(fp)), { force: true });
      removeStaleTemp(join(dir.cache, 'tmp'));
    }
    return {
      removedObjects,
      removedRuns: droppedRuns.length,
      keptObjects: kept,
      keptRuns: keptRuns.length,
      freedBytes: removedObjects.reduce((s, x) => s + x.size, 0),
    };
  } finally {
    mutex?.release();
  }
}

/** Every object hash data.lock refers to: stage outs (and deps) and tracked data. */
export function lockHashes(lock: Lock): string[] {
  const out: string[] = [];
  for (const s of Object.values(lock.stages)) for (const x of [...s.outs, ...s.deps]) out.push(x.hash);
  for (const d of Object.values(lock.data)) out.push(d.hash);
  return out;
}

/** Temp files of interrupted writes: named `<pid>-…`; removed when that process is gone. */
function removeStaleTemp(tmp: string): void {
  let names: string[];
  try {
    names = readdirSync(tmp);
  } catch {
    return;
  }
  for (const name of names) {
    const pid = Number(name.split('-')[0]);
    if (!Number.isInteger(pid) || pid === process.pid) continue;
    try {
      process.kill(pid, 0);
    } catch {
      rmSync(join(tmp, name), { force: true });
    }
  }
}
