/** @module The persistent stat state: (inode, size, mtime, ctime) → hash, so unchanged files are never re-read. */
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '../fs/write-file-atomic.js';
import { isRacy, sameButCtime, type FileStat } from '../fs/file-stat.js';
import { hashBytes } from './hash-file.js';


/** mtime and ctime in ms as Node's number stats give them: doubles, exact to ~0.25 µs at today's dates. */
type FileEntry = [ino: number, size: number, mtimeMs: number, ctimeMs: number, hash: string];
/** A dep or out path: digest of its stats (for a directory, of every file's) → its content hash. */
type PathEntry = [statDigest: string, hash: string, size: number, nfiles: number | null];

/** 3: ctime joined the file entries and the path digests (an older state is dropped: one re-read). */
const VERSION = 3;

interface StateFile<E> {
  version: typeof VERSION;
  entries: Record<string, E>;
}

function loadEntries<E>(file: string): Map<string, E> {
  try {
    const parsed = JSON.parse(readFileSync(file, 'utf8')) as StateFile<E>;
    if (parsed.version === VERSION && parsed.entries) return new Map(Object.entries(parsed.entries));
  } catch {
    // Missing or unreadable: the state is only a speed-up, start empty.
  }
  return new Map();
}

/**
 * Without fsync: the state only saves re-reading files. A power cut may leave the old state (its
 * entries still hold for the files whose stats they match: any change moves the ctime they
 * compare) or a torn file (read as empty); either costs one re-read, never a wrong hash. Two
 * fsyncs of ~100 KB each were a tenth of `pipe add`'s time for 1,000 files.
 */
function saveEntries<E>(file: string, entries: Map<string, E>): void {
  const out: Record<string, E> = {};
  for (const [k, v] of entries) out[k] = v;
  writeFileAtomic(file, JSON.stringify({ version: VERSION, entries: out } satisfies StateFile<E>), { sync: false });
}

/**
 * Files in .pipe/tmp/state/: `paths.json` (one entry per dep or out, read on every run)
 * answers "is this path unchanged?" from one digest of its stats (for a directory, of all its
 * files' stats); `files-<id>.json`, one per directory (the group), holds an entry per file in
 * it and is read only when that directory changed, so that just its changed files are re-read
 * and a change in one directory never loads the entries of the others.
 */
export class StatState {
  readonly #dir: string;
  readonly #groups = new Map<string, Map<string, FileEntry>>();
  readonly #dirtyGroups = new Set<string>();
  #paths: Map<string, PathEntry> | undefined;
  #pathsDirty = false;
  readonly #ctime: boolean;

  /**
   * `ctime: false` for the object store's state (object-verifier.ts): every hardlink made to an
   * object or removed from it moves its ctime, and its bytes are guarded by their name anyway.
   */
  constructor(dir: string, { ctime = true }: { ctime?: boolean } = {}) {
    this.#dir = dir;
    this.#ctime = ctime;
  }

  #groupFile(group: string): string {
    return join(this.#dir, `files-${hashBytes(group).slice(0, 16)}.json`);
  }

  #fileMap(group: string): Map<string, FileEntry> {
    let m = this.#groups.get(group);
    if (!m) {
      m = loadEntries<FileEntry>(this.#groupFile(group));
      this.#groups.set(group, m);
    }
    return m;
  }

  get #pathMap(): Map<string, PathEntry> {
    return (this.#paths ??= loadEntries<PathEntry>(join(this.#dir, 'paths.json')));
  }

  /** The recorded hash of `key` in `group` when the file's inode, size, mtime and ctime are what they were. */
  get(group: string, key: string, st: FileStat): string | undefined {
    const e = this.#fileMap(group).get(key);
    if (!e) return undefined;
    return e[0] === st.ino && e[1] === st.size && e[2] === st.mtimeMs && (!this.#ctime || e[3] === st.ctimeMs) ? e[4] : undefined;
  }

  /**
   * For a file pipe just linked or chmodded (its ctime moved, nothing else): when the entry's
   * inode, size and mtime still match, takes the new ctime and returns the entry's hash.
   */
  refresh(group: string, key: string, st: FileStat): string | undefined {
    const e = this.#fileMap(group).get(key);
    if (!e || !sameButCtime({ ino: e[0], size: e[1], mtimeMs: e[2], ctimeMs: e[3], mode: 0 }, st)) return undefined;
    if (e[3] !== st.ctimeMs) {
      e[3] = st.ctimeMs;
      this.#dirtyGroups.add(group);
    }
    return e[4];
  }

  /** Records a hash computed from a read that started at `readStartMs` (wall clock). */
  set(group: string, key: string, st: FileStat, hash: string, readStartMs: number): void {
    const map = this.#fileMap(group);
    if (isRacy(st, readStartMs)) {
      // Racily clean: a later write in the same timestamp tick would be invisible. Re-hash next time.
      if (map.delete(key)) this.#dirtyGroups.add(group);
      return;
    }
    map.set(key, [st.ino, st.size, st.mtimeMs, this.#ctime ? st.ctimeMs : 0, hash]);
    this.#dirtyGroups.add(group);
  }

  /** Drops the entries of `keys` in `group` (files that no longer exist, such as removed objects). */
  forget(group: string, keys: Iterable<string>): void {
    const map = this.#fileMap(group);
    for (const key of keys) if (map.delete(key)) this.#dirtyGroups.add(group);
  }

  /** The stat digest `key`'s hash was recorded under, if any. */
  pathDigest(key: string): string | undefined {
    return this.#pathMap.get(key)?.[0];
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

  /**
   * Drops what is known of every path not in `keep` (the deps, outs and tracked data that can
   * still be hashed): their `files-<id>.json` and their paths.json entries. Without it, the state
   * of a renamed 10,000-file out (~1 MB) stayed for good.
   */
  prune(keep: Iterable<string>): void {
    const kept = new Set<string>();
    for (const path of keep) kept.add(path);
    const keptFiles = new Set([...kept].map((path) => this.#groupFile(path).slice(this.#dir.length + 1)));
    let names: string[] = [];
    try {
      names = readdirSync(this.#dir);
    } catch {
      // No state yet.
    }
    for (const name of names) {
      if (!/^files-[0-9a-f]{16}\.json$/.test(name) || keptFiles.has(name)) continue;
      rmSync(join(this.#dir, name), { force: true });
    }
    for (const group of [...this.#groups.keys()]) if (!kept.has(group)) this.#groups.delete(group);
    for (const key of [...this.#pathMap.keys()]) {
      if (!kept.has(key)) {
        this.#pathMap.delete(key);
        this.#pathsDirty = true;
      }
    }
  }

  /** Writes what changed, atomically. */
  save(): void {
    for (const group of this.#dirtyGroups) {
      const map = this.#groups.get(group);
      if (map) saveEntries(this.#groupFile(group), map);
    }
    this.#dirtyGroups.clear();
    if (this.#pathsDirty && this.#paths) saveEntries(join(this.#dir, 'paths.json'), this.#paths);
    this.#pathsDirty = false;
  }
}
