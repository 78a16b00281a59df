/** @module `pipe gc --cloud`: what a remote holds, which of it goes, and removing it in the order readers rely on (run-cache entries, then manifests, then files; then stale temp files). */
import { objectKey, parseHash } from '../../cache/object-store.js';
import type { ManifestEntry } from '../../hash/manifest.js';
import { readRemoteManifest } from '../../remote/read-remote-manifest.js';
import { OBJECTS_PREFIX, RUNS_PREFIX, fingerprintOfKey, hashOfKey } from '../../remote/remote-keys.js';
import type { Remote } from '../../remote/remote.js';
import { RUN_ENTRY_MAX_BYTES, parseRunRecord } from '../../remote/run-entries.js';
import { runTransfers } from '../../remote/transfer.js';
import { runKey, type RunRecord } from '../../run-cache/run-cache.js';
import { isRemovable, type Referenced } from './referenced.js';

export interface RemoteContents {
  /** Object hash → size (undefined when the listing does not give sizes). */
  readonly objects: ReadonlyMap<string, number | undefined>;
  /** Fingerprint → the remote's own entry, or undefined when it cannot be read or is not well formed. */
  readonly runs: ReadonlyMap<string, RunRecord | undefined>;
  /** A directory remote's listed keys that are no object or entry: its temp files among them (the remote's tempFile says which). */
  readonly temps: readonly string[];
}

/**
 * A temp file unchanged for this long is a killed push's, whose writer's own record could not
 * clean it up (another machine, pid namespace or boot; see docs/RELIABILITY.md): a push writing
 * it changes it with every block, and renames it once whole. Git gives its temp objects two weeks;
 * a push's temps are rewritten on the next push anyway, so a day is ample.
 */
export const STALE_TEMP_MS = 24 * 60 * 60 * 1000;

export interface CloudGcPlan {
  readonly remote: string;
  readonly where: string;
  /** Size undefined only when the remote could not say (the object vanished meanwhile). */
  readonly removedObjects: readonly { readonly hash: string; readonly size: number | undefined }[];
  readonly removedRuns: readonly string[];
  /** Temp files of killed pushes, unchanged for STALE_TEMP_MS (a directory remote's only). */
  readonly removedTemps: readonly { readonly key: string; readonly size: number }[];
  readonly keptObjects: number;
  readonly keptRuns: number;
  /** Entries kept because they could not be read as run-cache entries (gc cannot tell what they restore). */
  readonly unreadableRuns: number;
  readonly freedBytes: number;
}

/**
 * One listing of objects and one of run-cache entries (the listing push and status use), then
 * each entry read: the remote's entry for a fingerprint may name other outs than the local one
 * (two machines ran it), so the local copy is not trusted for the remote's.
 */
export async function readRemoteContents({ remote, jobs }: { remote: Remote; jobs: number }): Promise<RemoteContents> {
  const objects = new Map<string, number | undefined>();
  const temps: string[] = [];
  const keepTemp = (key: string) => {
    if (remote.tempFile !== undefined) temps.push(key);
  };
  for (const [key, size] of await remote.list(OBJECTS_PREFIX, jobs)) {
    const hash = hashOfKey(key);
    if (hash) objects.set(hash, size);
    else keepTemp(key);
  }
  const fps: string[] = [];
  for (const key of (await remote.list(RUNS_PREFIX, jobs)).keys()) {
    const fp = fingerprintOfKey(key);
    if (fp) fps.push(fp);
    else keepTemp(key);
  }
  const runs = new Map<string, RunRecord | undefined>();
  await runTransfers({
    items: fps,
    jobs,
    size: () => 0,
    verb: 'checking',
    work: async (fp) => {
      const bytes = await remote.read(runKey(fp), RUN_ENTRY_MAX_BYTES);
      runs.set(fp, bytes ? parseRunRecord(bytes) : undefined);
    },
  });
  return { objects, runs, temps: temps.sort() };
}

/** Manifests the cache lacks, read from the remote into memory (only those it lists); ones that do not match their name or are malformed are left out. */
export async function readRemoteManifests({
  remote,
  jobs,
  hashes,
  listed,
}: {
  remote: Remote;
  jobs: number;
  hashes: Iterable<string>;
  listed: ReadonlyMap<string, unknown>;
}): Promise<Map<string, ManifestEntry[]>> {
  const out = new Map<string, ManifestEntry[]>();
  await runTransfers({
    items: [...hashes].filter((h) => parseHash(h)?.isDir && listed.has(h)),
    jobs,
    size: () => 0,
    verb: 'downloading',
    work: async (hash) => {
      // Not a usable manifest: its files stay unknown.
      const entries = await readRemoteManifest(remote, hash);
      if (entries) out.set(hash, entries);
    },
  });
  return out;
}

/**
 * Objects go by the same rule as in the cache (gc-referenced.ts). Run-cache entries are kept
 * when all their outs are among `roots` — as in the cache — or all of them with `keepRunCache`;
 * an entry that cannot be read is kept (gc cannot prove it restores nothing kept).
 */
export async function planCloudGc({
  remote,
  jobs,
  contents,
  referenced,
  roots,
  keepRunCache,
  now = Date.now(),
}: {
  remote: Remote;
  jobs: number;
  contents: RemoteContents;
  referenced: Referenced;
  roots: ReadonlyMap<string, string>;
  keepRunCache: boolean;
  /** Milliseconds since the epoch, for a temp file's age. */
  now?: number;
}): Promise<CloudGcPlan> {
  const removedObjects: { hash: string; size: number | undefined }[] = [];
  for (const [hash, size] of contents.objects) if (isRemovable(referenced, hash)) removedObjects.push({ hash, size });
  if (!remote.listsSizes) {
    // A directory listing gives names only: ask for the size of what goes (a stat each).
    await runTransfers({
      items: removedObjects,
      jobs,
      size: () => 0,
      verb: 'checking',
      work: async (o) => {
        o.size = await remote.head(objectKey(o.hash));
      },
    });
  }
  removedObjects.sort((a, b) => (a.hash < b.hash ? -1 : a.hash > b.hash ? 1 : 0));
  const removedRuns: string[] = [];
  let unreadableRuns = 0;
  for (const [fp, rec] of contents.runs) {
    if (!rec) unreadableRuns++;
    else if (!keepRunCache && !rec.outs.every((x) => roots.has(x.hash))) removedRuns.push(fp);
  }
  const removedTemps: { key: string; size: number }[] = [];
  const tempFile = remote.tempFile?.bind(remote);
  if (tempFile) {
    await runTransfers({
      items: contents.temps,
      jobs,
      size: () => 0,
      verb: 'checking',
      work: async (key) => {
        const temp = await tempFile(key);
        if (temp && now - temp.mtimeMs > STALE_TEMP_MS) removedTemps.push({ key, size: temp.size });
      },
    });
  }
  removedTemps.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  return {
    remote: remote.name,
    where: remote.where,
    removedObjects,
    removedRuns: removedRuns.sort(),
    removedTemps,
    keptObjects: contents.objects.size - removedObjects.length,
    keptRuns: contents.runs.size - removedRuns.length,
    unreadableRuns,
    freedBytes: removedObjects.reduce((s, o) => s + (o.size ?? 0), 0) + removedTemps.reduce((s, t) => s + t.size, 0),
  };
}

/**
 * The reverse of push's order, one step after the other: run-cache entries (which vouch for their
 * outs), then directory manifests (which vouch for their files), then files. Interrupted at any
 * point, the remote holds no entry or manifest whose objects are gone. Stale temp files, which
 * vouch for nothing, last.
 */
export async function removeFromRemote({ remote, jobs, plan }: { remote: Remote; jobs: number; plan: Pick<CloudGcPlan, 'removedObjects' | 'removedRuns' | 'removedTemps'> }): Promise<void> {
  const dirs: string[] = [];
  const files: string[] = [];
  for (const { hash } of plan.removedObjects) (parseHash(hash)?.isDir ? dirs : files).push(objectKey(hash));
  for (const step of [plan.removedRuns.map(runKey), dirs, files, plan.removedTemps.map((t) => t.key)]) if (step.length) await remote.remove(step, jobs);
}
