/** @module `pipe repro --pull`: before a stage runs, the remote's run-cache (or data.lock's outs) is asked for its results; what is found is fetched and restored instead. */
import { checkoutPath } from '../../cache/checkout-path.js';
import { isPipeError } from '../../errors.js';
import type { PathHasher } from '../../hash/hash-path.js';
import type { Lock, LockedPath } from '../../lockfile/lock.js';
import type { RepoPath } from '../../pipeline/pipeline.js';
import { downloadObjects } from '../../remote/download-objects.js';
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
 * run instead, with a note saying why.
 */
export function remotePuller({ outs, runs, remote, jobs, reporter }: { outs: OutsContext; runs: RunCache; remote: Remote; jobs: number; reporter: ReproReporter }): RemotePuller {
  const { store, verifier } = outs.cache;
  const objects = async (stage: string, roots: ReadonlyMap<RepoPath, string>): Promise<boolean> => {
    const r = await downloadObjects({ store, verifier, remote, jobs, roots });
    verifier.save();
    if (r.fetched) reporter.note(`${stage}: fetched ${r.fetched} object${r.fetched === 1 ? '' : 's'} (${mib(r.bytes)}) from remote '${remote.name}'`);
    const bad = r.missing.size + r.rejected.size;
    if (bad) reporter.note(`${stage}: remote '${remote.name}' lacks ${bad} object${bad === 1 ? '' : 's'} of its outs (or sent them damaged)`);
    return bad === 0;
  };
  const guarded = async (stage: string, fn: () => Promise<boolean>): Promise<boolean> => {
    try {
      return await fn();
    } catch (err) {
      if (!isPipeError(err, 'REMOTE_FAILED')) throw err;
      reporter.note(`${stage}: could not use remote '${remote.name}': ${err.message.replace(/^remote '[^']*': /, '')}`);
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
        return rec ? objects(stage, new Map(rec.outs.map((o) => [o.path, o.hash]))) : false;
      }),
    outs: (stage, locked) => guarded(stage, () => objects(stage, new Map(locked.map((o) => [o.path, o.hash])))),
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
