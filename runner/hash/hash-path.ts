/** @module Content hash of a file or directory in the workspace, memoised per run and backed by the stat state. */
import { readdirSync, statSync, type BigIntStats } from 'node:fs';
import { join } from 'node:path';
import { PipeError } from '../errors.js';
import type { RepoPath } from '../pipeline/pipeline.js';
import { isWithin } from '../pipeline/repo-path.js';
import { HASH_ALGORITHM } from './hash-file.js';
import { hashFiles } from './hash-pool.js';
import { manifestHash, type ManifestEntry } from './manifest.js';
import { nowNs, type StatState } from './stat-state.js';

export interface HashInfo {
  readonly path: RepoPath;
  /** `sha256:<hex>` for a file, `sha256:<hex>.dir` for a directory (the hash of its manifest). */
  readonly hash: string;
  readonly size: number;
  /** Number of files, for a directory. */
  readonly nfiles?: number;
  readonly manifest?: readonly ManifestEntry[];
}

interface Found {
  readonly rel: string;
  readonly abs: string;
  readonly st: BigIntStats;
}

export class PathHasher {
  readonly #root: string;
  readonly #state: StatState;
  readonly #memo = new Map<RepoPath, Promise<HashInfo | undefined>>();

  constructor(root: string, state: StatState) {
    this.#root = root;
    this.#state = state;
  }

  /** Hash of the path, or undefined when it does not exist. Each path is hashed once per run. */
  hash(path: RepoPath): Promise<HashInfo | undefined> {
    let p = this.#memo.get(path);
    if (!p) {
      p = this.#compute(path);
      this.#memo.set(path, p);
    }
    return p;
  }

  /** Forgets what is known of `path`, of anything inside it and of any directory holding it. */
  invalidate(path: RepoPath): void {
    for (const key of this.#memo.keys()) {
      if (isWithin(key, path) || isWithin(path, key)) this.#memo.delete(key);
    }
  }

  saveState(): void {
    this.#state.save();
  }

  async #compute(path: RepoPath): Promise<HashInfo | undefined> {
    const abs = join(this.#root, path);
    let st: BigIntStats;
    try {
      st = statSync(abs, { bigint: true });
    } catch (err) {
      if (isNotFound(err)) return undefined;
      throw new PipeError('HASH_FAILED', `cannot read '${path}': ${(err as Error).message}`, { path }, { cause: err });
    }
    if (st.isDirectory()) return this.#hashDir(path, abs);
    const [hash] = await this.#hashFound([{ rel: '', abs, st }], path);
    return { path, hash: `${HASH_ALGORITHM}:${hash}`, size: Number(st.size) };
  }

  async #hashDir(path: RepoPath, abs: string): Promise<HashInfo> {
    const found: Found[] = [];
    walk(abs, '', found, new Set([dirKey(statSync(abs, { bigint: true }))]), path);
    const hashes = await this.#hashFound(found, path);
    const manifest: ManifestEntry[] = found.map((f, i) => ({
      relpath: f.rel,
      hash: hashes[i] ?? '',
      size: Number(f.st.size),
      exec: (Number(f.st.mode) & 0o100) !== 0,
    }));
    const size = manifest.reduce((s, e) => s + e.size, 0);
    return { path, hash: `${HASH_ALGORITHM}:${manifestHash(manifest)}.dir`, size, nfiles: manifest.length, manifest };
  }

  /** Hashes of the found files: from the stat state when unchanged, otherwise read (in parallel). */
  async #hashFound(found: readonly Found[], base: RepoPath): Promise<string[]> {
    const key = (f: Found) => (f.rel ? `${base}/${f.rel}` : base);
    const result = found.map((f) => this.#state.get(key(f), f.st));
    const misses = found.filter((_, i) => result[i] === undefined);
    if (misses.length === 0) return result as string[];
    const started = nowNs();
    let hashes: string[];
    try {
      hashes = await hashFiles(misses.map((f) => ({ abs: f.abs, size: Number(f.st.size) })));
    } catch (err) {
      throw new PipeError('HASH_FAILED', `cannot hash '${base}': ${(err as Error).message}`, { path: base }, { cause: err });
    }
    let k = 0;
    found.forEach((f, i) => {
      if (result[i] !== undefined) return;
      const h = hashes[k++] ?? '';
      result[i] = h;
      this.#state.set(key(f), f.st, h, started);
    });
    return result as string[];
  }
}

/**
 * Collects the regular files below `dir`. Hidden files count. Symlinks are followed, so a
 * linked file or directory hashes as its content; a dangling link or a link cycle is an error.
 */
function walk(dir: string, rel: string, out: Found[], active: Set<string>, base: RepoPath): void {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const abs = join(dir, e.name);
    const r = rel ? `${rel}/${e.name}` : e.name;
    if (e.isDirectory()) {
      enter(abs, r, statSync(abs, { bigint: true }), out, active, base);
    } else if (e.isFile()) {
      out.push({ rel: r, abs, st: statSync(abs, { bigint: true }) });
    } else if (e.isSymbolicLink()) {
      let st: BigIntStats;
      try {
        st = statSync(abs, { bigint: true });
      } catch (err) {
        throw new PipeError('HASH_FAILED', `'${base}/${r}' is a dangling symlink`, { path: `${base}/${r}` }, { cause: err });
      }
      if (st.isDirectory()) {
        enter(abs, r, st, out, active, base);
      } else if (st.isFile()) {
        out.push({ rel: r, abs, st });
      }
    }
    // Sockets, FIFOs and devices are not data: they are left out of the manifest.
  }
}

function enter(abs: string, rel: string, st: BigIntStats, out: Found[], active: Set<string>, base: RepoPath): void {
  const key = dirKey(st);
  if (active.has(key)) {
    throw new PipeError('HASH_FAILED', `'${base}/${rel}' is a symlink cycle`, { path: `${base}/${rel}` });
  }
  active.add(key);
  walk(abs, rel, out, active, base);
  active.delete(key);
}

function dirKey(st: BigIntStats): string {
  return `${st.dev}:${st.ino}`;
}

function isNotFound(err: unknown): boolean {
  const code = (err as NodeJS.ErrnoException).code;
  return code === 'ENOENT' || code === 'ENOTDIR';
}
