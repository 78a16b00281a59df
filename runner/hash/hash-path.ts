/** @module Content hash of a file or directory in the workspace, memoised per run and backed by the stat state. */
import { statSync, type Stats } from 'node:fs';
import { join } from 'node:path';
import { PipeError } from '../errors.js';
import type { RepoPath } from '../pipeline/pipeline.js';
import { isWithin } from '../fs/repo-path.js';
import { HASH_ALGORITHM, hashBytes } from './hash-file.js';
import { hashFiles } from './hash-files.js';
import { serializeManifest, type ManifestEntry } from './manifest.js';
import { isRacy, nowMs, statKey, type FileStat } from '../fs/file-stat.js';
import type { StatState } from './stat-state.js';
import { statDigest, walkFiles, type FoundFile } from './walk-files.js';

export interface HashInfo {
  readonly path: RepoPath;
  /** `sha256:<hex>` for a file, `sha256:<hex>.dir` for a directory (the hash of its manifest). */
  readonly hash: string;
  readonly size: number;
  /** Number of files, for a directory. */
  readonly nfiles?: number;
  /** A directory's entries, when they were computed in this run (not when its stats matched the state). */
  readonly manifest?: readonly ManifestEntry[];
  /** With `manifest`: its canonical bytes, which its hash was taken of, so storing it need not serialise 1,000s of entries again. */
  readonly manifestText?: string;
  /** With `manifest`: each entry's stats from the walk that found it (same order), so storing it need not stat it again. */
  readonly stats?: readonly FileStat[];
  /** With `placeInto`: what hashing did with each entry (runner/workers/hash-batch.ts: 'ok', an errno code; undefined: not read, its hash came from the stat state). */
  readonly placed?: readonly (string | undefined)[];
  /** With `placed`: each entry's ctime once placed ('ok'), NaN otherwise: all refreshStats needs of a file pipe just linked. */
  readonly placedCtimes?: readonly number[];
  /** With `manifest`: indices of the entries reached through a symlink (stored by copying their target's bytes). */
  readonly viaSymlink?: ReadonlySet<number>;
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

  /** Like hash(), but a directory's manifest is always there (computed from the per-file state if need be). */
  async hashWithManifest(path: RepoPath, { placeInto }: { placeInto?: string } = {}): Promise<HashInfo | undefined> {
    if (placeInto !== undefined && !this.#memo.has(path)) {
      // A directory is hashed and its files placed in one pass (a file goes the usual way).
      let st: Stats | undefined;
      try {
        st = statSync(join(this.#root, path));
      } catch {
        st = undefined;
      }
      if (st?.isDirectory()) {
        const p = this.#hashDir(path, join(this.#root, path), true, placeInto);
        this.#memo.set(path, p);
        return p;
      }
    }
    const known = await this.hash(path);
    if (!known || known.nfiles === undefined || known.manifest) return known;
    const p = this.#hashDir(path, join(this.#root, path), true);
    this.#memo.set(path, p);
    return p;
  }

  /**
   * Records the hash of a file that pipe placed in the workspace from the store, so it is not
   * re-read: `rel` is its path inside the directory out `path`, or empty for a file out.
   */
  rememberPlaced(path: RepoPath, rel: string, st: FileStat, hex: string, { readStartMs }: { readStartMs: number }): void {
    if (rel) this.#state.set(path, rel, st, hex, readStartMs);
    else if (!isRacy(st, readStartMs)) this.#state.setPath(path, fileDigest(st), `${HASH_ALGORITHM}:${hex}`, Number(st.size));
  }

  /** Forgets what is known of `path`, of anything inside it and of any directory holding it. */
  invalidate(path: RepoPath): void {
    for (const key of this.#memo.keys()) {
      if (isWithin(key, path) || isWithin(path, key)) this.#memo.delete(key);
    }
  }

  /**
   * After pipe itself linked or chmodded the files of `path` (storing it): link(2) and chmod(2)
   * move only their ctime, which the state compares. Records the new ctimes of the files whose
   * other stats are what they were, so the next run does not re-read them.
   */
  refreshStats(info: HashInfo): void {
    const { path } = info;
    const abs = join(this.#root, path);
    let st: Stats;
    try {
      st = statSync(abs);
    } catch {
      return;
    }
    this.invalidate(path);
    if (!st.isDirectory()) {
      if (info.nfiles === undefined && st.size === info.size && !isRacy(st, nowMs())) {
        // Only when the file is the one hashed: its remembered digest differs in ctime alone.
        const before = this.#state.pathDigest(path);
        const [ino, size, mtimeMs] = (before ?? '').split(':').map(Number);
        if (ino === st.ino && size === st.size && mtimeMs === st.mtimeMs) this.#state.setPath(path, fileDigest(st), info.hash, info.size);
      }
      return;
    }
    const manifest = info.manifest;
    if (!manifest) return;
    const found = this.#placedStats(info) ?? walkFiles(abs, path);
    if (found.length !== manifest.length) return;
    let all = true;
    found.forEach((f, i) => {
      const e = manifest[i];
      if (!e || e.relpath !== f.rel || this.#state.refresh(path, f.rel, f.st) !== e.hash) all = false;
    });
    if (all) this.#state.setPath(path, statDigest(found), info.hash, info.size, info.nfiles);
  }

  /**
   * The directory's files as a walk would find them now, from the walk that hashed them and the
   * ctimes the hashing threads took once each was linked: only when every file was placed that
   * way (a deduplicated one was replaced by a rename, which may also reorder the listing).
   */
  #placedStats(info: HashInfo): FoundFile[] | undefined {
    const { manifest, stats, placedCtimes } = info;
    if (!manifest || !stats || !placedCtimes || placedCtimes.length !== manifest.length) return undefined;
    const found: FoundFile[] = [];
    for (let i = 0; i < manifest.length; i++) {
      const st = stats[i];
      const ctimeMs = placedCtimes[i];
      if (!st || ctimeMs === undefined || Number.isNaN(ctimeMs)) return undefined;
      found.push({ rel: (manifest[i] as ManifestEntry).relpath, st: { ...st, ctimeMs }, viaSymlink: false });
    }
    return found;
  }

  saveState(): void {
    this.#state.save();
  }

  async #compute(path: RepoPath): Promise<HashInfo | undefined> {
    const abs = join(this.#root, path);
    let st: Stats;
    try {
      st = statSync(abs);
    } catch (err) {
      if (isNotFound(err)) return undefined;
      throw new PipeError('HASH_FAILED', `cannot read '${path}': ${(err as Error).message}`, { path }, { cause: err });
    }
    if (st.isDirectory()) return this.#hashDir(path, abs);
    const digest = fileDigest(st);
    const known = this.#state.getPath(path, digest);
    if (known) return { path, ...known };
    const started = nowMs();
    const [hex] = await hashFiles([{ abs, size: Number(st.size) }]).catch((err: unknown) => {
      throw new PipeError('HASH_FAILED', `cannot hash '${path}': ${(err as Error).message}`, { path }, { cause: err });
    });
    const hash = `${HASH_ALGORITHM}:${hex}`;
    if (!isRacy(st, started)) this.#state.setPath(path, digest, hash, Number(st.size));
    return { path, hash, size: Number(st.size) };
  }

  async #hashDir(path: RepoPath, abs: string, needManifest = false, placeInto?: string): Promise<HashInfo> {
    const walkStart = nowMs();
    const found = walkFiles(abs, path);
    const digest = statDigest(found);
    const known = needManifest ? undefined : this.#state.getPath(path, digest);
    if (known) return { path, ...known };
    const placed = placeInto === undefined ? undefined : new Array<string | undefined>(found.length);
    const placedCtimes = placeInto === undefined ? undefined : new Array<number>(found.length).fill(NaN);
    const hashes = await this.#hashFound(found, abs, path, placeInto, placed, placedCtimes);
    const manifest: ManifestEntry[] = found.map((f, i) => ({
      relpath: f.rel,
      hash: hashes[i] ?? '',
      size: Number(f.st.size),
      exec: (Number(f.st.mode) & 0o100) !== 0,
    }));
    const size = manifest.reduce((s, e) => s + e.size, 0);
    const manifestText = serializeManifest(manifest);
    const hash = `${HASH_ALGORITHM}:${hashBytes(manifestText)}.dir`;
    // Like single files, a directory with a racily clean file is not remembered (stat-state.ts).
    if (!found.some((f) => isRacy(f.st, walkStart))) this.#state.setPath(path, digest, hash, size, manifest.length);
    const viaSymlink = new Set<number>();
    found.forEach((f, i) => f.viaSymlink && viaSymlink.add(i));
    return {
      path,
      hash,
      size,
      nfiles: manifest.length,
      manifest,
      manifestText,
      stats: found.map((f) => f.st),
      ...(placed ? { placed, placedCtimes } : {}),
      ...(viaSymlink.size ? { viaSymlink } : {}),
    };
  }

  /** Hashes of the found files: from the stat state when unchanged, otherwise read (in parallel). */
  async #hashFound(found: readonly FoundFile[], dir: string, base: RepoPath, placeInto?: string, placed?: (string | undefined)[], placedCtimes?: number[]): Promise<string[]> {
    const result = found.map((f) => this.#state.get(base, f.rel, f.st));
    const misses = found.filter((_, i) => result[i] === undefined);
    if (misses.length === 0) return result as string[];
    const started = nowMs();
    let hashes: string[];
    try {
      const placedMisses: string[] = [];
      const ctimeMisses: number[] = [];
      hashes = await hashFiles(
        misses.map((f) => ({ abs: `${dir}/${f.rel}`, size: Number(f.st.size), exec: (Number(f.st.mode) & 0o100) !== 0, noLink: f.viaSymlink })),
        placeInto === undefined ? {} : { placeInto, placed: placedMisses, ctimes: ctimeMisses },
      );
      if (placed) {
        let m = 0;
        found.forEach((_, i) => {
          if (result[i] !== undefined) return;
          placed[i] = placedMisses[m];
          if (placedCtimes) placedCtimes[i] = ctimeMisses[m] ?? NaN;
          m++;
        });
      }
    } catch (err) {
      throw new PipeError('HASH_FAILED', `cannot hash '${base}': ${(err as Error).message}`, { path: base }, { cause: err });
    }
    let k = 0;
    found.forEach((f, i) => {
      if (result[i] !== undefined) return;
      const h = hashes[k++] ?? '';
      result[i] = h;
      this.#state.set(base, f.rel, f.st, h, started);
    });
    return result as string[];
  }
}

function fileDigest(st: FileStat): string {
  return statKey(st);
}

function isNotFound(err: unknown): boolean {
  const code = (err as NodeJS.ErrnoException).code;
  return code === 'ENOENT' || code === 'ENOTDIR';
}
