/** @module `pipe push`: upload the objects (and run-cache entries) data.lock references that the remote lacks. */
import { hasObjects } from '../../cache/stored-check.js';
import { PipeError } from '../../errors.js';
import { openRemote } from '../../remote/open-remote.js';
import { lockedRuns } from '../../remote/run-entries.js';
import type { OnProgress } from '../../remote/transfer.js';
import { uploadObjects, type UploadResult } from '../../remote/upload-objects.js';
import { RunCache } from '../../run-cache/run-cache.js';
import { transferInputs } from './remote-targets.js';

export interface PushOptions {
  readonly root: string;
  readonly cwd?: string;
  /** Stage names or paths; none means everything data.lock references. */
  readonly targets?: readonly string[];
  /** Remote name (-r); default: the default remote. */
  readonly remote?: string;
  readonly jobs?: number;
  readonly onProgress?: OnProgress;
}

export interface PushSummary extends UploadResult {
  /** Outs with `push: false`, not sent. */
  readonly localOnly: readonly string[];
  readonly remote: string;
  readonly where: string;
  readonly ms: number;
}

/**
 * Needs no repository mutex: it only reads the cache. What the remote already has is learnt
 * from its directory manifests (one HEAD each) and one listing for the rest (or a HEAD per
 * object when there are only a few), so a push with nothing to send costs a handful of requests.
 */
export async function push(o: PushOptions): Promise<PushSummary> {
  const started = Date.now();
  const { root } = o;
  const { pipeline, config, lock, roots: cached, stages, localOnly, store, cacheDir } = await transferInputs(o);
  const runCache = new RunCache(cacheDir);
  const runs = new Map<string, string[]>();
  const roots = new Map(cached);
  for (const [fp] of lockedRuns(pipeline, lock, stages)) {
    const rec = runCache.get(fp);
    if (!rec) continue;
    runs.set(fp, rec.outs.map((x) => x.hash));
    // Outs that are not cached (metrics, plots) travel with their entry, when the cache holds
    // them: otherwise the entry stays back (upload sends an entry only with all its outs).
    for (const x of rec.outs) if (!roots.has(x.path) && hasObjects(store, x.hash)) roots.set(x.path, x.hash);
  }
  const { remote, jobs } = await openRemote({ root, config, name: o.remote, jobs: o.jobs });
  try {
    const result = await uploadObjects({ store, remote, jobs, roots, runs, onProgress: o.onProgress });
    const summary: PushSummary = { ...result, localOnly, remote: remote.name, where: remote.where, ms: Date.now() - started };
    if (result.missing.size || result.corrupt.size) throw notPushed(summary);
    return summary;
  } finally {
    remote.close();
  }
}

function notPushed(s: PushSummary): PipeError {
  const lines: string[] = [];
  for (const [hash, paths] of s.missing) lines.push(`  ${hash} (${paths.join(', ') || 'unknown path'}): not in the cache`);
  for (const [hash, c] of s.corrupt) lines.push(`  ${hash} (${c.paths.join(', ') || 'unknown path'}): does not match its content; moved to ${c.movedTo}`);
  const n = s.missing.size + s.corrupt.size;
  const shown = lines.slice(0, 20);
  if (lines.length > shown.length) shown.push(`  … and ${lines.length - shown.length} more`);
  const byPath = new Map<string, string[]>();
  for (const [hash, paths] of [...s.missing, ...[...s.corrupt].map(([h, c]) => [h, c.paths] as const)]) {
    for (const p of paths) byPath.set(p, [...(byPath.get(p) ?? []), hash]);
  }
  const err = new PipeError(
    'CACHE_MISS',
    `${n} object${n === 1 ? ' was' : 's were'} not pushed to '${s.remote}': the cache lacks ${n === 1 ? 'it' : 'them'} and the remote does not have ${n === 1 ? 'it' : 'them'} either:\n${shown.join('\n')}\nRun 'pipe repro' to compute them again (or push from the machine that made them); everything else was pushed.`,
    { missing: [...byPath].map(([path, objects]) => ({ path, objects })) },
  );
  return Object.assign(err, { summary: s });
}
