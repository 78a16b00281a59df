/** @module `pipe repro --pull`: before a stage runs, the remote's run-cache (or data.lock's outs) is asked for its results; what is found is fetched and restored instead. */
import { checkoutPath } from '../../cache/checkout-path.js';
import { isPipeError } from '../../errors.js';
import type { PathHasher } from '../../hash/hash-path.js';
import type { Lock, LockedPath } from '../../lockfile/lock.js';
import { downloadObjects } from '../../remote/download-objects.js';
import { addFileSizes } from '../../remote/locked-sizes.js';
import type { Remote } from '../../remote/remote.js';
import { fetchRunEntries } from '../../remote/run-entries.js';
import type { RunCache } from '../../run-cache/run-cache.js';
import type { ReproReporter } from './repro-events.js';
import type { OutsContext } from './stage-outs.js';

export interface RemotePuller {
  /** Makes run-cache entry `fp` and every object of its outs local. False when the remote cannot provide them (the stage then runs). */
  run(stage: string, fp: string): Promise<boolean>;
  /** Makes the objects of these locked outs local. */
  outs(stage: string, outs: readonly LockedPath[]): Promise<boolean>;
}

/**
 * A remote that fails (unreachable, denied) or lacks an object is not fatal here: the stage is
 * run instead, with a note saying why. A remote that failed is not asked again in this run, so a
 * frozen server costs one timeout, not one per stage. `sizes` (data.lock's, see lockedSizes)
 * bound each file object's download, as `pipe pull` does; a run-cache entry adds its outs' sizes.
 */
export function remotePuller({
  outs,
  runs,
  remote,
  jobs,
  reporter,
  sizes,
}: {
  outs: OutsContext;
  runs: RunCache;
  remote: Remote;
  jobs: number;
  reporter: ReproReporter;
  sizes: ReadonlyMap<string, number>;
}): RemotePuller {
  const { store, verifier } = outs.cache;
  let failed = false;
  const objects = async (stage: string, locked: readonly LockedPath[]): Promise<boolean> => {
    const roots = new Map(locked.map((o) => [o.path, o.hash]));
    const r = await downloadObjects({ store, verifier, remote, jobs, roots, sizes: addFileSizes(new Map(sizes), locked) });
    verifier.save();
    if (r.fetched) reporter.note(`${stage}: fetched ${r.fetched} object${r.fetched === 1 ? '' : 's'} (${mib(r.bytes)}) from remote '${remote.name}'`);
    if (r.missing.size) reporter.note(`${stage}: remote '${remote.name}' lacks ${r.missing.size} object${r.missing.size === 1 ? '' : 's'} of its outs`);
    for (const [hash, { problem, paths }] of [...r.rejected].slice(0, 3)) reporter.note(`${stage}: remote '${remote.name}' sent ${hash} (${paths.join(', ')}) damaged: ${problem}`);
    if (r.rejected.size > 3) reporter.note(`${stage}: … and ${r.rejected.size - 3} more damaged objects`);
    const bad = r.missing.size + r.rejected.size;
    return bad === 0;
  };
  const guarded = async (stage: string, fn: () => Promise<boolean>): Promise<boolean> => {
    if (failed) return false;
    try {
      return await fn();
    } catch (err) {
      if (!isPipeError(err, 'REMOTE_FAILED')) throw err;
      failed = true;
      reporter.note(`${stage}: could not use remote '${remote.name}': ${err.message.replace(/^remote '[^']*': /, '')} — not asked again in this run: stages run instead`);
      return false;
    }
  };
  return {
    run: (stage, fp) =>
      guarded(stage, async () => {
        if (!runs.get(fp)) {
          const got = await fetchRunEntries({ remote, runs, fingerprints: [fp], jobs: 1 });
          if (!got.fetched) return false;
        }
        const rec = runs.get(fp);
        return rec ? objects(stage, rec.outs) : false;
      }),
    outs: (stage, locked) => guarded(stage, () => objects(stage, locked)),
  };
}

/** Tracked data (`pipe add`) missing from the workspace is pulled first: stages depend on it. */
export async function pullMissingData({ lock, hasher, outs, puller }: { lock: Lock; hasher: PathHasher; outs: OutsContext; puller: RemotePuller }): Promise<void> {
  for (const [path, d] of Object.entries(lock.data)) {
    if (await hasher.hash(path).catch(() => undefined)) continue;
    if (!(await puller.outs(path, [{ path, hash: d.hash, size: d.size }]))) continue;
    const r = await checkoutPath(outs.cache, path, d.hash);
    if (r.state !== 'missing') outs.record.set(path, d.hash);
  }
}

function mib(n: number): string {
  return n < 1 << 20 ? `${(n / 1024).toFixed(1)} KiB` : `${(n / (1 << 20)).toFixed(1)} MiB`;
}
