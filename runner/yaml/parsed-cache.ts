/** @module Remembers the parsed value of YAML files that parsed cleanly, keyed by their stats, so an unchanged run never loads the YAML parser. */
import { readFileSync, statSync, type Stats } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '../fs/write-file-atomic.js';
import { statKey, isRacy, nowMs } from '../fs/file-stat.js';

interface Entry {
  stat: string;
  value: unknown;
}

export class ParsedCache {
  readonly #file: string | undefined;
  #entries: Record<string, Entry> | undefined;
  #dirty = false;

  /** `dir` undefined: a cache that remembers nothing (used before .pipe/ exists). */
  constructor(dir: string | undefined) {
    this.#file = dir === undefined ? undefined : join(dir, 'parsed.json');
  }

  #load(): Record<string, Entry> {
    if (this.#entries) return this.#entries;
    try {
      if (this.#file) this.#entries = JSON.parse(readFileSync(this.#file, 'utf8')) as Record<string, Entry>;
    } catch {
      // Missing or unreadable: start empty.
    }
    return (this.#entries ??= {});
  }

  /** The remembered value of `abs` if the file has not changed since; `undefined` otherwise. */
  get(name: string, st: Stats): { value: unknown } | undefined {
    if (!this.#file) return undefined;
    const e = this.#load()[name];
    return e && e.stat === statKey(st) ? { value: e.value } : undefined;
  }

  set(name: string, st: Stats, value: unknown): void {
    if (!this.#file || isRacy(st, nowMs())) return;
    this.#load()[name] = { stat: statKey(st), value };
    this.#dirty = true;
  }

  save(): void {
    if (!this.#dirty || !this.#file || !this.#entries) return;
    writeFileAtomic(this.#file, JSON.stringify(this.#entries));
    this.#dirty = false;
  }
}

/** Stats of a file, or undefined when it does not exist. */
export function statOrUndefined(abs: string): Stats | undefined {
  try {
    return statSync(abs);
  } catch {
    return undefined;
  }
}
