/** @module `pipe status --remote`: what the workspace references that the remote lacks, and what only the remote has; nothing is downloaded into the cache. */
import { objectKey, parseHash } from '../../cache/object-store.js';
import type { ManifestEntry } from '../../hash/manifest.js';
import type { RepoPath } from '../../pipeline/pipeline.js';
import { inventory } from '../../remote/inventory.js';
import { planObjects } from '../../remote/object-plan.js';
import { readRemoteManifest } from '../../remote/read-remote-manifest.js';
import { openRemote } from '../../remote/open-remote.js';
import { lockedRuns } from '../../remote/run-entries.js';
import { RunCache, runKey } from '../../run-cache/run-cache.js';
import { absentByDesign, transferInputs } from './remote-targets.js';

/** Per locked path: how many of its objects are where. */
export interface PathRemoteStatus {
  readonly path: RepoPath;
  readonly hash: string;
  readonly objects: number;
  /** In the cache, not in the remote: push sends them. */
  readonly localOnly: readonly string[];
  /** In the remote, not in the cache: pull fetches them. */
  readonly remoteOnly: readonly string[];
  /** In neither. */
  readonly missing: readonly string[];
  /** The directory's manifest is in neither place, so its files are unknown. */
  readonly unknownFiles: boolean;
}

export interface RemoteStatus {
  readonly remote: string;
  readonly where: string;
  readonly paths: readonly PathRemoteStatus[];
  readonly runs: { readonly localOnly: readonly string[]; readonly remoteOnly: readonly string[] };
  /** Objects in the remote that this workspace does not reference (known when the remote was listed). */
  readonly unreferenced?: number;
  /** Bytes push would send. */
  readonly pushBytes: number;
  /** Outs with `push: false`: kept in the local cache only, never compared with the remote. */
  readonly localOnlyPaths: readonly RepoPath[];
  /** Those of them the local cache lacks too (a fresh clone): `pipe repro` makes them. */
  readonly notOnRemote: readonly RepoPath[];
}

export async function remoteStatus(o: { root: string; cwd?: string; targets?: readonly string[]; remote?: string; jobs?: number }): Promise<RemoteStatus> {
  const { root } = o;
  const { pipeline, config, lock, roots, stages, localOnly, localOnlyHashes, store, cacheDir } = await transferInputs(o);
  const { remote, jobs } = await openRemote({ root, config, name: o.remote, jobs: o.jobs });
  try {
    // Directories whose manifest only the remote has: read it (into memory) to know their files.
    let plan = planObjects(store, roots);
    const extra = new Map<string, ManifestEntry[]>();
    for (const hash of plan.unknownDirs) {
      // Not a usable manifest: its files stay unknown.
      const entries = await readRemoteManifest(remote, hash);
      if (entries) extra.set(hash, entries);
    }
    if (extra.size) plan = planObjects(store, roots, extra);
    const wanted = new Map<string, number | undefined>();
    for (const [hash, size] of plan.objects) wanted.set(objectKey(hash), size);
    const inv = await inventory({ remote, prefix: 'files/sha256/', wanted, jobs });

    const onRemote = (h: string) => inv.present.has(objectKey(h));
    const paths: PathRemoteStatus[] = [];
    let pushBytes = 0;
    for (const [path, hashes] of plan.byPath) {
      const localOnly: string[] = [];
      const remoteOnly: string[] = [];
      const missing: string[] = [];
      for (const h of hashes) {
        const local = store.has(h);
        const there = onRemote(h);
        if (local && !there) {
          localOnly.push(h);
          pushBytes += plan.objects.get(h) ?? 0;
        } else if (!local && there) remoteOnly.push(h);
        else if (!local && !there) missing.push(h);
      }
      const hash = hashes[0] as string;
      paths.push({ path, hash, objects: hashes.length, localOnly, remoteOnly, missing, unknownFiles: Boolean(parseHash(hash)?.isDir) && plan.unknownDirs.has(hash) });
    }

    const runCache = new RunCache(cacheDir);
    const fps = [...lockedRuns(pipeline, lock, stages).keys()];
    const runInv = await inventory({ remote, prefix: 'runs/', wanted: new Map(fps.map((fp) => [runKey(fp), undefined])), jobs });
    const runs = { localOnly: [] as string[], remoteOnly: [] as string[] };
    for (const fp of fps) {
      const local = runCache.get(fp) !== undefined;
      const there = runInv.present.has(runKey(fp));
      if (local && !there) runs.localOnly.push(fp);
      else if (!local && there) runs.remoteOnly.push(fp);
    }
    const referenced = new Set(wanted.keys());
    const unreferenced = inv.listed ? [...inv.listed].filter((k) => !referenced.has(k)).length : undefined;
    return { remote: remote.name, where: remote.where, paths, runs, ...(unreferenced === undefined ? {} : { unreferenced }), pushBytes, localOnlyPaths: localOnly, notOnRemote: absentByDesign(store, localOnlyHashes) };
  } finally {
    remote.close();
  }
}
