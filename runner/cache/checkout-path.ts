/** @module Makes one workspace path match a hash from data.lock by linking objects from the store. */
import { mkdirSync, rmSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { HASH_ALGORITHM } from '../hash/hash-file.js';
import type { ManifestEntry } from '../hash/manifest.js';
import { fileStat, nowMs, sameButCtime, type FileStat } from '../fs/file-stat.js';
import type { RepoPath } from '../pipeline/pipeline.js';
import type { CacheContext } from './commit-to-cache.js';
import { warmPool } from '../workers/pool.js';
import { PARALLEL_MIN_OPS } from './run-fs-ops.js';
import { linkFiles } from './link-files.js';
import { parseHash } from './object-store.js';

export type CheckoutResult =
  | { readonly state: 'unchanged' | 'linked'; readonly path: RepoPath }
  /** Objects absent from the store (or found corrupt and moved aside); the workspace was left alone. */
  | { readonly state: 'missing'; readonly path: RepoPath; readonly missing: readonly string[] };

function restat(abs: string): FileStat | undefined {
  try {
    return fileStat(statSync(abs));
  } catch {
    return undefined;
  }
}

export async function checkoutPath(
  ctx: CacheContext,
  path: RepoPath,
  hash: string,
  { relink = false, dryCheck = false }: { relink?: boolean; /** Only check the objects; touch nothing. */ dryCheck?: boolean } = {},
): Promise<CheckoutResult> {
  if (!relink) {
    const now = await ctx.hasher.hash(path).catch(() => undefined);
    if (now?.hash === hash) return { state: 'unchanged', path };
  }
  const parsed = parseHash(hash);
  if (!parsed) return { state: 'missing', path, missing: [hash] };

  let entries: ManifestEntry[] | undefined;
  if (parsed.isDir) {
    if (ctx.verifier.check(hash) !== 'ok') return { state: 'missing', path, missing: [hash] };
    entries = ctx.store.readManifest(hash);
    if (!entries) return { state: 'missing', path, missing: [hash] };
  }
  const files = entries
    ? entries.map((e) => ({ rel: e.relpath, hash: `${HASH_ALGORITHM}:${e.hash}`, exec: e.exec }))
    : [{ rel: '', hash, exec: undefined }];
  // The link threads start while the objects are checked (~30 ms each here).
  if (files.length >= PARALLEL_MIN_OPS && !dryCheck) void warmPool();
  // Everything must be there and intact before the workspace is touched.
  const missing = [...new Set(files.map((f) => f.hash))].filter((h) => ctx.verifier.check(h) !== 'ok');
  if (missing.length) return { state: 'missing', path, missing };
  if (dryCheck) return { state: 'linked', path };

  ctx.guard.parentOf(path);
  const abs = join(ctx.root, path);
  rmSync(abs, { recursive: true, force: true });
  const started = nowMs();
  if (!entries) mkdirSync(dirname(abs), { recursive: true });
  else mkdirSync(abs, { recursive: true });
  const made = new Set<string>([abs]);
  const dests = files.map((f) => {
    const dest = f.rel ? `${abs}/${f.rel}` : abs;
    const parent = dirname(dest);
    if (!made.has(parent)) {
      mkdirSync(parent, { recursive: true });
      made.add(parent);
    }
    return { dest, hash: f.hash, exec: f.exec };
  });
  const placed: (FileStat | undefined)[] = new Array(files.length);
  await linkFiles(ctx, dests, (i, st) => {
    placed[i] = st;
  });
  // What we placed we know the hash of: the next status need not read it. Stat again once every
  // link is made: each link to an object (several paths may share one) moves its ctime.
  placed.forEach((st, i) => {
    const f = files[i] as (typeof files)[number];
    const now = st && restat((dests[i] as { dest: string }).dest);
    if (now && sameButCtime(st, now)) ctx.hasher.rememberPlaced(path, f.rel, now, f.hash.slice(HASH_ALGORITHM.length + 1), { readStartMs: started });
  });
  ctx.hasher.invalidate(path);
  return { state: 'linked', path };
}
