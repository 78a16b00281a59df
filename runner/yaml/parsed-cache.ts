/**
 * @module Remembers the parsed value of YAML files that parsed cleanly, keyed by their stats, so an
 * unchanged run never loads the YAML parser; and values derived from several files (a templated
 * pipeline expanded with its vars files), keyed by all their stats.
 */
import { readFileSync, statSync, type Stats } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '../fs/write-file-atomic.js';
import { statKey, isRacy, nowMs } from '../fs/file-stat.js';

interface Entry {
  stat: string;
  value: unknown;
  /** A derived entry: the files (relative to the repository root) whose stats make up `stat`. */
  files?: string[];
}

/**
 * The layout of parsed.json: `{format, entries}`. Bumped when what an entry may hold changes, so a
 * file an earlier pipe wrote is forgotten (parsed again once) rather than trusted: before format 2,
 * `.inf` and `.nan` were remembered, and JSON had made them `null`.
 */
const FORMAT = 2;

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
      if (this.#file) {
        const saved = JSON.parse(readFileSync(this.#file, 'utf8')) as { format?: unknown; entries?: unknown };
        if (saved.format === FORMAT && saved.entries && typeof saved.entries === 'object') this.#entries = saved.entries as Record<string, Entry>;
      }
    } catch {
      // Missing, unreadable or written by another pipe: start empty.
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
    if (!this.#file || isRacy(st, nowMs()) || !jsonHolds(value)) return;
    this.#load()[name] = { stat: statKey(st), value };
    this.#dirty = true;
  }

  /**
   * The remembered value derived from `files` (whichever they were when it was remembered), if
   * none of them changed, appeared or disappeared since; `undefined` otherwise.
   */
  getDerived(root: string, name: string): { value: unknown } | undefined {
    if (!this.#file) return undefined;
    const e = this.#load()[name];
    if (!e || !Array.isArray(e.files)) return undefined;
    const now = filesKey(root, e.files);
    return now !== undefined && now.key === e.stat ? { value: e.value } : undefined;
  }

  /** Remembers `value`, derived from `files`; not when one of them is too fresh to trust (as `set`). */
  setDerived(root: string, name: string, files: readonly string[], value: unknown): void {
    if (!this.#file || !jsonHolds(value)) return;
    const now = filesKey(root, files);
    if (!now || now.racy) return;
    this.#load()[name] = { stat: now.key, files: [...files], value };
    this.#dirty = true;
  }

  save(): void {
    if (!this.#dirty || !this.#file || !this.#entries) return;
    writeFileAtomic(this.#file, JSON.stringify({ format: FORMAT, entries: this.#entries }));
    this.#dirty = false;
  }
}

/**
 * Whether `value` comes back the same from JSON: YAML's `.inf` and `.nan` would come back as `null`
 * (a params file's `lr: .inf` then read as `lr: null` on the next run), so such values are not
 * remembered. Only what YAML and the loaders produce is accepted: plain objects, arrays, strings,
 * booleans, null and finite numbers (and a property set to `undefined`, which JSON leaves out).
 */
function jsonHolds(value: unknown): boolean {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return true;
    case 'number':
      return Number.isFinite(value);
    case 'object': {
      if (value === null) return true;
      if (Array.isArray(value)) return value.every(jsonHolds);
      const proto = Object.getPrototypeOf(value) as unknown;
      return (proto === Object.prototype || proto === null) && Object.values(value).every((v) => v === undefined || jsonHolds(v));
    }
    default:
      return false;
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

/**
 * The stats of `files` as one key (a missing file counts as missing); undefined for a path that is
 * not a file. A name ending in `/` is a directory: its stats change when an entry is added, removed
 * or renamed in it (what a search for pipeline files depends on).
 */
function filesKey(root: string, files: readonly string[]): { key: string; racy: boolean } | undefined {
  const now = nowMs();
  let racy = false;
  const parts: string[] = [];
  for (const f of files) {
    const st = statOrUndefined(join(root, f));
    if (st && (f.endsWith('/') ? !st.isDirectory() : !st.isFile())) return undefined;
    if (st && isRacy(st, now)) racy = true;
    parts.push(st ? statKey(st) : '-');
  }
  return { key: parts.join('|'), racy };
}
