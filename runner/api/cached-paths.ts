/** @module Which workspace paths the cache holds, by the lock: what checkout links and what .gitignore lists (its own file so that `pipe add` need not load checkout's). */
import type { Lock } from '../lockfile/lock.js';
import type { Pipeline, RepoPath } from '../pipeline/pipeline.js';

/** Every cached path the lock describes: cached stage outs and `pipe add`ed data. */
export function cachedPaths(pipeline: Pipeline, lock: Lock): Map<RepoPath, string> {
  const out = new Map<RepoPath, string>();
  for (const stage of pipeline.stages) {
    const locked = lock.stages[stage.name];
    if (!locked) continue;
    for (const o of stage.outs) {
      const l = locked.outs.find((x) => x.path === o.path);
      if (o.cache && l) out.set(o.path, l.hash);
    }
  }
  for (const [path, d] of Object.entries(lock.data)) out.set(path, d.hash);
  return out;
}
