/** @module A stage run's fingerprint: cmd, wdir, env, deps' hashes, params' values and declared outs. */
import { canonicalJson } from '../hash/canonical-json.js';
import { hashBytes } from '../hash/hash-file.js';
import type { LockedPath } from '../lockfile/lock.js';
import type { Stage } from '../pipeline/pipeline.js';

export function fingerprint(
  stage: Stage,
  deps: readonly Pick<LockedPath, 'path' | 'hash'>[],
  params: Readonly<Record<string, Readonly<Record<string, unknown>>>>,
): string {
  const byPath = (a: { path: string }, b: { path: string }) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0);
  return hashBytes(
    canonicalJson({
      cmd: stage.cmd,
      wdir: stage.wdir,
      env: stage.env,
      deps: [...deps].sort(byPath).map((d) => ({ path: d.path, hash: d.hash })),
      params,
      outs: [...stage.outs].sort(byPath).map((o) => ({ path: o.path, cache: o.cache })),
    }),
  );
}
