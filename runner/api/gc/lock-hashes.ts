/** @module The object hashes of committed data.lock files, by git blob oid, remembered in .pipe/tmp/lock-hashes.json: a blob never changes, so gc over 1,000 commits parses each lock once, ever. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '../../fs/write-file-atomic.js';
import type { Lock } from '../../lockfile/lock.js';
import { parseLock } from '../../lockfile/read-lock.js';

/** [hash, path] pairs of one lock. */
export type LockedHashes = [hash: string, path: string][];

/** Above this many remembered locks, only those of the last run are kept. */
const MAX_ENTRIES = 20_000;

export class LockHashCache {
  readonly #file: string;
  readonly #old: Record<string, LockedHashes>;
  readonly #used = new Map<string, LockedHashes>();
  #added = false;

  constructor(tmpDir: string) {
    this.#file = join(tmpDir, 'lock-hashes.json');
    let old: unknown;
    try {
      old = JSON.parse(readFileSync(this.#file, 'utf8'));
    } catch {
      // none yet, or unreadable: start empty
    }
    this.#old = typeof old === 'object' && old !== null && !Array.isArray(old) ? (old as Record<string, LockedHashes>) : {};
  }

  /** The hashes of the lock in blob `oid`; `text` reads it when it is not remembered. LOCK_INVALID when it does not parse (not remembered). */
  async hashesOf(oid: string, text: () => Promise<string>): Promise<LockedHashes> {
    const known = this.#used.get(oid) ?? (Object.hasOwn(this.#old, oid) ? this.#old[oid] : undefined);
    if (Array.isArray(known) && known.every(isPair)) {
      this.#used.set(oid, known);
      return known;
    }
    const hashes = lockedHashes(await parseLock(await text()));
    this.#used.set(oid, hashes);
    this.#added = true;
    return hashes;
  }

  save(): void {
    if (!this.#added) return;
    const merged = { ...this.#old, ...Object.fromEntries(this.#used) };
    const keep = Object.keys(merged).length > MAX_ENTRIES ? Object.fromEntries(this.#used) : merged;
    try {
      writeFileAtomic(this.#file, JSON.stringify(keep));
    } catch {
      // A cache: failing to write it only costs time next run.
    }
  }
}

/** Every object hash a lock refers to — stage outs and deps, tracked data — with its path. */
export function lockedHashes(lock: Lock): LockedHashes {
  const out: LockedHashes = [];
  for (const s of Object.values(lock.stages)) for (const x of [...s.outs, ...s.deps]) out.push([x.hash, x.path]);
  for (const [path, d] of Object.entries(lock.data)) out.push([d.hash, path]);
  return out;
}

function isPair(x: unknown): x is [string, string] {
  return Array.isArray(x) && x.length === 2 && typeof x[0] === 'string' && typeof x[1] === 'string';
}
