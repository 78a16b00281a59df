/** @module Decides whether a stored object may be linked into the workspace: present, and its bytes match its name. */
import { statSync, type Stats } from 'node:fs';
import { fileStat, nowMs, type FileStat } from '../fs/file-stat.js';
import { StatState } from '../hash/stat-state.js';
import { keyOf, parseHash, type ObjectStore } from './object-store.js';

export type ObjectState = 'ok' | 'missing' | 'corrupt';

/**
 * Verifying re-reads the object, once: the result is remembered against the object's inode,
 * size and mtime (.pipe/tmp/state/objects/), so a later change to its bytes is noticed and an
 * unchanged object is not read again.
 */
export class ObjectVerifier {
  readonly #store: ObjectStore;
  readonly #state: StatState;
  /** Objects found corrupt in this run, with where they were moved. */
  readonly corrupt = new Map<string, string>();
  /** The stats of each object found ok in this run: linking it need not stat it again (a plain copy: see walk-files.ts). */
  readonly #stats = new Map<string, FileStat>();

  constructor(store: ObjectStore, stateDir: string) {
    this.#store = store;
    this.#state = new StatState(stateDir, { ctime: false });
  }

  check(hash: string): ObjectState {
    const parsed = parseHash(hash);
    if (!parsed) return 'missing';
    let st: Stats;
    try {
      st = statSync(this.#store.pathOf(parsed));
    } catch {
      return this.corrupt.has(hash) ? 'corrupt' : 'missing';
    }
    const key = keyOf(parsed);
    if (!parsed.isDir && this.#state.get('objects', key, st) === parsed.hex) {
      this.#stats.set(hash, fileStat(st));
      return 'ok';
    }
    const started = nowMs();
    if (this.#store.verify(hash)) {
      if (!parsed.isDir) this.#state.set('objects', key, st, parsed.hex, started);
      this.#stats.set(hash, fileStat(st));
      return 'ok';
    }
    this.corrupt.set(hash, this.#store.quarantine(hash));
    return 'corrupt';
  }

  /** The stats `check` saw for an object it found ok in this run. */
  statOf(hash: string): FileStat | undefined {
    return this.#stats.get(hash);
  }

  /** An object just made from bytes whose hash we computed: no need to read it again. */
  trust(hash: string, st: FileStat, readStartMs: number): void {
    const parsed = parseHash(hash);
    if (parsed && !parsed.isDir) this.#state.set('objects', keyOf(parsed), st, parsed.hex, readStartMs);
  }

  /** Forgets removed objects, so the state does not grow with every object ever stored. */
  forget(hashes: Iterable<string>): void {
    const keys: string[] = [];
    for (const hash of hashes) {
      const parsed = parseHash(hash);
      if (parsed && !parsed.isDir) keys.push(keyOf(parsed));
    }
    this.#state.forget('objects', keys);
  }

  save(): void {
    this.#state.save();
  }
}
