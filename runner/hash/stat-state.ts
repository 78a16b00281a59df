/** @module The persistent stat state: (inode, size, mtime ns) → hash, so unchanged files are never re-read. */
import { readFileSync } from 'node:fs';
import type { BigIntStats } from 'node:fs';
import { writeFileAtomic } from '../fs/write-file-atomic.js';

/** A file modified this close to when it was read may change again within one timestamp tick. */
const RACY_NS = 1_000_000_000n;

type Entry = [ino: string, size: number, mtimeNs: string, hash: string];

interface StateFile {
  version: 1;
  entries: Record<string, Entry>;
}

export class StatState {
  readonly #file: string;
  #entries: Map<string, Entry>;
  #dirty = false;

  private constructor(file: string, entries: Map<string, Entry>) {
    this.#file = file;
    this.#entries = entries;
  }

  /** Loads the state; a missing or unreadable file is an empty state (it is only a speed-up). */
  static load(file: string): StatState {
    try {
      const parsed = JSON.parse(readFileSync(file, 'utf8')) as StateFile;
      if (parsed.version === 1 && parsed.entries) return new StatState(file, new Map(Object.entries(parsed.entries)));
    } catch {
      // fall through: start empty
    }
    return new StatState(file, new Map());
  }

  static empty(file: string): StatState {
    return new StatState(file, new Map());
  }

  /** The recorded hash when the file's inode, size and mtime are what they were. */
  get(key: string, st: BigIntStats): string | undefined {
    const e = this.#entries.get(key);
    if (!e) return undefined;
    return e[0] === String(st.ino) && e[1] === Number(st.size) && e[2] === String(st.mtimeNs) ? e[3] : undefined;
  }

  /** Records a hash computed from a read that started at `readStartNs` (wall clock, ns). */
  set(key: string, st: BigIntStats, hash: string, readStartNs: bigint): void {
    if (st.mtimeNs > readStartNs - RACY_NS) {
      // Racily clean: a later write in the same timestamp tick would be invisible. Re-hash next time.
      if (this.#entries.delete(key)) this.#dirty = true;
      return;
    }
    this.#entries.set(key, [String(st.ino), Number(st.size), String(st.mtimeNs), hash]);
    this.#dirty = true;
  }

  /** Writes the state atomically when anything changed. */
  save(): void {
    if (!this.#dirty) return;
    const entries: Record<string, Entry> = {};
    for (const [k, v] of this.#entries) entries[k] = v;
    writeFileAtomic(this.#file, JSON.stringify({ version: 1, entries } satisfies StateFile));
    this.#dirty = false;
  }
}

export function nowNs(): bigint {
  return BigInt(Date.now()) * 1_000_000n;
}
