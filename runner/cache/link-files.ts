/** @module Links many verified objects into the workspace: hardlinks on a few threads, every other case through the Linker on the main thread. */
import { statSync } from 'node:fs';
import type { FileStat } from '../fs/file-stat.js';
import type { CacheContext } from './commit-to-cache.js';
import { runFsOps, type FsOp } from './run-fs-ops.js';

export interface FileToLink {
  /** Absolute workspace path; its directory exists, the path does not. */
  readonly dest: string;
  readonly hash: string;
  /** The exec bit the file must have (undefined: the object's own). */
  readonly exec?: boolean;
}

/**
 * Links each file's object (already checked by ctx.verifier) to its dest and calls `placed`
 * with the stats of what now sits there. With hardlinks those are the object's stats, which
 * `check` took: link(2) changes only the ctime (checkout-path.ts stats again for the stat state).
 */
export async function linkFiles(ctx: CacheContext, files: readonly FileToLink[], placed: (i: number, st: FileStat) => void): Promise<void> {
  const batched: { i: number; object: string; objectExec: boolean; st: FileStat }[] = [];
  const ops: FsOp[] = [];
  const viaLinker = (i: number, object: string, objectExec: boolean, st: FileStat) => {
    const f = files[i] as FileToLink;
    const type = ctx.linker.link(object, f.dest, f.exec, objectExec);
    placed(i, type === 'hardlink' || type === 'symlink' ? st : statSync(f.dest));
  };
  files.forEach((f, i) => {
    const object = ctx.store.path(f.hash);
    const st = ctx.verifier.statOf(f.hash) ?? statSync(object);
    const objectExec = (st.mode & 0o100) !== 0;
    // Once the Linker has settled on hardlinks (reflink refused by the filesystem), plain links
    // go to the pool; a file needing another exec bit than its object's, or any error, is left
    // to the Linker, which knows the fallbacks.
    if (ctx.linker.preferred === 'hardlink' && (f.exec ?? objectExec) === objectExec) {
      batched.push({ i, object, objectExec, st });
      ops.push({ op: 'link', src: object, dest: f.dest });
    } else viaLinker(i, object, objectExec, st);
  });
  if (!ops.length) return;
  const results = await runFsOps(ops);
  results.forEach((r, k) => {
    const b = batched[k] as (typeof batched)[number];
    if (r.ok) {
      ctx.linker.used.add('hardlink');
      placed(b.i, b.st);
    } else viaLinker(b.i, b.object, b.objectExec, b.st);
  });
}
