/** @module `pipe fetch`: download the objects (and run-cache entries) data.lock references that the cache lacks. */
import { openCache } from '../../cache/open-cache.js';
import type { CacheContext } from '../../cache/commit-to-cache.js';
import { hasObjects } from '../../cache/stored-check.js';
import { PipeError } from '../../errors.js';
import { PathHasher } from '../../hash/hash-path.js';
import { StatState } from '../../hash/stat-state.js';
import { acquireMutex } from '../../repo/mutex.js';
import { readLock } from '../../lockfile/read-lock.js';
import type { RepoPath } from '../../pipeline/pipeline.js';
import { downloadObjects, type DownloadResult } from '../../remote/download-objects.js';
import { lockedSizes } from '../../remote/locked-sizes.js';
import { openRemote } from '../../remote/open-remote.js';
import type { Remote } from '../../remote/remote.js';
import { fetchRunEntries, lockedRuns } from '../../remote/run-entries.js';
import type { OnProgress } from '../../remote/transfer.js';
import { RunCache } from '../../run-cache/run-cache.js';
import { absentByDesign, remoteTargets } from './remote-targets.js';
import { loadInputs } from '../load-inputs.js';

export interface FetchOptions {
  readonly root: string;
  readonly cwd?: string;
  readonly targets?: readonly string[];
  readonly remote?: string;
  readonly jobs?: number;
  readonly waitSeconds?: number;
  readonly onProgress?: OnProgress;
  /** How the repository mutex names this run to a waiting process (default `pipe fetch`). */
  readonly command?: string;
}

export interface FetchSummary extends DownloadResult {
  /** Targeted `push: false` outs the cache lacks: not on the remote by design, not fetched, not missing. */
  readonly notOnRemote: readonly RepoPath[];
  readonly remote: string;
  readonly where: string;
  readonly runs: number;
  readonly ms: number;
}

export async function fetch(o: FetchOptions): Promise<FetchSummary> {
  const started = Date.now();
  const { root } = o;
  const { dir, parsed, pipeline, config } = await loadInputs(root, { pipelineOptional: true });
  const mutex = await acquireMutex({ file: dir.mutex, command: o.command ?? 'pipe fetch', waitSeconds: o.waitSeconds ?? 60 });
  try {
    const lock = await readLock({ root, cache: parsed });
    parsed.save();
    const { roots, stages, localOnlyHashes } = remoteTargets(pipeline, lock, o);
    const cache = openCache({ root, config, hasher: new PathHasher(root, new StatState(dir.state)) });
    const opened = await openRemote({ root, config, name: o.remote, jobs: o.jobs });
    try {
      const fps = [...lockedRuns(pipeline, lock, stages).keys()];
      const result = await fetchInto({ cache, remote: opened.remote, jobs: opened.jobs, roots, sizes: lockedSizes(lock), fingerprints: fps, onProgress: o.onProgress });
      const notOnRemote = absentByDesign(cache.store, localOnlyHashes);
      const summary: FetchSummary = { ...result, notOnRemote, remote: opened.remote.name, where: opened.remote.where, ms: Date.now() - started };
      const problem = fetchProblem(summary);
      if (problem) throw Object.assign(problem, { summary });
      return summary;
    } finally {
      opened.remote.close();
    }
  } finally {
    mutex.release();
  }
}

/** Objects and run-cache entries into `cache` (no mutex: the caller holds it); the verifier's results are saved. */
export async function fetchInto({
  cache,
  remote,
  jobs,
  roots,
  sizes,
  fingerprints,
  onProgress,
}: {
  cache: CacheContext;
  remote: Remote;
  jobs: number;
  roots: ReadonlyMap<RepoPath, string>;
  /** File hash → size, from data.lock: a download reads no more. */
  sizes?: ReadonlyMap<string, number>;
  fingerprints: readonly string[];
  onProgress?: OnProgress;
}): Promise<DownloadResult & { runs: number }> {
  try {
    const result = await downloadObjects({ store: cache.store, verifier: cache.verifier, remote, jobs, roots, sizes, onProgress });
    const runCache = new RunCache(cache.store.root);
    const runs = await fetchRunEntries({ remote, runs: runCache, fingerprints, jobs });
    // The entries' outs that are not cached (metrics, plots: git has them, the store may not), so
    // that the run-cache can restore them; one the remote lacks only leaves its entry unusable.
    const extra = new Map<RepoPath, string>();
    for (const fp of fingerprints) {
      for (const x of runCache.get(fp)?.outs ?? []) if (!roots.has(x.path) && !hasObjects(cache.store, x.hash)) extra.set(x.path, x.hash);
    }
    if (extra.size === 0) return { ...result, runs: runs.fetched };
    const more = await downloadObjects({ store: cache.store, verifier: cache.verifier, remote, jobs, roots: extra, onProgress });
    return { ...result, fetched: result.fetched + more.fetched, bytes: result.bytes + more.bytes, runs: runs.fetched };
  } finally {
    cache.verifier.save();
  }
}

/** The error for objects the remote lacks or sent wrong, naming them; undefined when all arrived. */
export function fetchProblem(s: FetchSummary): PipeError | undefined {
  const lines: string[] = [];
  for (const [hash, r] of s.rejected) lines.push(`  ${hash} (${r.paths.join(', ') || 'unknown path'}): ${r.problem}; not stored`);
  for (const [hash, paths] of s.missing) lines.push(`  ${hash} (${paths.join(', ') || 'unknown path'}): not in the remote`);
  if (lines.length === 0) return undefined;
  const shown = lines.slice(0, 20);
  if (lines.length > shown.length) shown.push(`  … and ${lines.length - shown.length} more`);
  const corrupt = s.rejected.size > 0;
  const head = corrupt
    ? `remote '${s.remote}' sent ${s.rejected.size} object${s.rejected.size === 1 ? '' : 's'} that ${s.rejected.size === 1 ? 'does' : 'do'} not match ${s.rejected.size === 1 ? 'its name' : 'their names'} (rejected, not stored)${s.missing.size ? ` and lacks ${s.missing.size} more` : ''}:`
    : `remote '${s.remote}' lacks ${s.missing.size} object${s.missing.size === 1 ? '' : 's'} that data.lock references:`;
  const next = corrupt
    ? 'The copy on the remote is damaged: push it again from a machine whose cache has it intact.'
    : "Push them from the machine that made them ('pipe push'), or compute them again with 'pipe repro'.";
  return new PipeError('REMOTE_FAILED', `${head}\n${shown.join('\n')}\n${next} Everything else was fetched.`, {
    remote: s.remote,
    reason: corrupt ? 'objects-corrupt' : 'objects-missing',
    objects: [...s.rejected.keys(), ...s.missing.keys()],
  });
}
