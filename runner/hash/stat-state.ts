/** @module The persistent stat state: (inode, size, mtime ns) → hash, so unchanged files are never re-read. */
import { readFileSync } from 'node:fs';
import type { BigIntStats } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '../fs/write-file-atomic.js';

/** A file modified this close to when it was read may change again within one timestamp tick. */
export const RACY_NS = 1_000_000_000n;

type FileEntry = [ino: string, size: number, mtimeNs: string, hash: string];
/** A dep or out path: digest of its stats (for a directory, of every file's) → its content hash. */
type PathEntry = [statDigest: string, hash: string, size: number, nfiles: number | null];

interface StateFile<E> {
  version: 1;
  entries: Record<string, E>;
}

function loadEntries<E>(file: string): Map<string, E> {
  try {
    const parsed = JSON.parse(readFileSync(file, 'utf8')) as StateFile<E>;
    if (parsed.version === 1 && parsed.entries) return new Map(Object.entries(parsed.entries));
  } catch {
    // Missing or unreadable: the state is only a speed-up, start empty.
  }
  return new Map();
}

function saveEntries<E>(file: string, entries: Map<string, E>): void {
  const out: Record<string, E> = {};
  for (const [k, v] of entries) out[k] = v;
  writeFileAtomic(file, JSON.stringify({ version: 1, entries: out } satisfies StateFile<E>));
}

/**
 * Two files in .pipe/tmp/state/: `paths.json` (one entry per dep or out, read on every run)
 * answers "is this path unchanged?" from one digest of its stats (for a directory, of all its
 * files' stats); `files.json` (one entry per file inside directories) is read only when a
 * directory did change, so that just its changed files are re-read.
 */
export class StatState {
  readonly #dir: string;
  #files: Map<string, FileEntry> | undefined;
  #paths: Map<string, PathEntry> | undefined;
  #filesDirty = false;
  #pathsDirty = false;

  constructor(dir: string) {
    this.#dir = dir;
  }

  get #fileMap(): Map<string, FileEntry> {
    return (this.#files ??= loadEntries<FileEntry>(join(this.#dir, 'files.json')));
  }

  get #pathMap(): Map<string, PathEntry> {
    return (this.#paths ??= loadEntries<PathEntry>(join(this.#dir, 'paths.json')));
  }

  /** The recorded hash when the file's inode, size and mtime are what they were. */
  get(key: string, st: BigIntStats): string | undefined {
    const e = this.#fileMap.get(key);
    if (!e) return undefined;
    return e[0] === String(st.ino) && e[1] === Number(st.size) && e[2] === String(st.mtimeNs) ? e[3] : undefined;
  }

  /** Records a hash computed from a read that started at `readStartNs` (wall clock, ns). */
  set(key: string, st: BigIntStats, hash: string, readStartNs: bigint): void {
    if (isRacy(st, readStartNs)) {
      // Racily clean: a later write in the same timestamp tick would be invisible. Re-hash next time.
      if (this.#fileMap.delete(key)) this.#filesDirty = true;
      return;
    }
    this.#fileMap.set(key, [String(st.ino), Number(st.size), String(st.mtimeNs), hash]);
    this.#filesDirty = true;
  }

  getPath(key: string, statDigest: string): { hash: string; size: number; nfiles?: number } | undefined {
    const e = this.#pathMap.get(key);
    if (!e || e[0] !== statDigest) return undefined;
    return e[3] === null ? { hash: e[1], size: e[2] } : { hash: e[1], size: e[2], nfiles: e[3] };
  }

  setPath(key: string, statDigest: string, hash: string, size: number, nfiles?: number): void {
    this.#pathMap.set(key, [statDigest, hash, size, nfiles ?? null]);
    this.#pathsDirty = true;
  }

  /** Writes what changed, atomically. */
  save(): void {
    if (this.#filesDirty && this.#files) saveEntries(join(this.#dir, 'files.json'), this.#files);
    if (this.#pathsDirty && this.#paths) saveEntries(join(this.#dir, 'paths.json'), this.#paths);
    this.#filesDirty = this.#pathsDirty = false;
  }
}

export function isRacy(st: BigIntStats, readStartNs: bigint): boolean {
  return st.mtimeNs > readStartNs - RACY_NS;
}

export function nowNs(): bigint {
  return BigInt(Date.now()) * 1_000_000n;
}
