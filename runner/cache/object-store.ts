/** @module The content-addressed object store under .pipe/cache/files/: put, find, verify and quarantine objects. */
import { randomBytes } from 'node:crypto';
import {
  chmodSync,
  copyFileSync,
  existsSync,
  linkSync,
  mkdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join } from 'node:path';
import { hashBytes } from '../hash/hash-file.js';
import { type ManifestEntry, parseManifest, serializeManifest } from '../hash/manifest.js';
import { hashFileSync } from '../workers/hash-file-sync.js';

const HASH_RE = /^sha256:([0-9a-f]{64})(\.dir)?$/;

export interface ParsedHash {
  readonly hex: string;
  readonly isDir: boolean;
}

/** Splits `sha256:<hex>[.dir]`, refusing anything else (a hash from a lock or a remote is input). */
export function parseHash(hash: string): ParsedHash | undefined {
  const m = HASH_RE.exec(hash);
  return m ? { hex: m[1] as string, isDir: m[2] !== undefined } : undefined;
}

/** Object key relative to the store root, the same in the cache and in every remote: `files/sha256/ab/cdef…[.dir]`. */
export function objectKey(hash: string): string {
  const p = parseHash(hash);
  if (!p) throw new Error(`not an object hash: ${hash}`);
  return keyOf(p);
}

/** objectKey() of a hash already parsed (parsing is a regex: 20,000 of them cost ~20 ms in a 10,000-file add). */
export function keyOf(p: ParsedHash): string {
  return `files/sha256/${p.hex.slice(0, 2)}/${p.hex.slice(2)}${p.isDir ? '.dir' : ''}`;
}

export class ObjectStore {
  /** The store root, e.g. `<repo>/.pipe/cache`. */
  readonly root: string;
  /** `<root>/files/sha256` (joined once: path() runs 20,000 times in a 10,000-file checkout). */
  readonly filesDir: string;

  constructor(root: string) {
    this.root = root;
    this.filesDir = join(root, 'files', 'sha256');
  }

  path(hash: string): string {
    const p = parseHash(hash);
    if (!p) throw new Error(`not an object hash: ${hash}`);
    return this.pathOf(p);
  }

  /** path() of a hash already parsed. */
  pathOf(p: ParsedHash): string {
    return `${this.filesDir}/${p.hex.slice(0, 2)}/${p.hex.slice(2)}${p.isDir ? '.dir' : ''}`;
  }

  has(hash: string): boolean {
    return existsSync(this.path(hash));
  }

  /** A temp path inside the store (same filesystem, so a rename publishes it atomically). */
  tempPath(): string {
    const dir = join(this.root, 'tmp');
    mkdirSync(dir, { recursive: true });
    return join(dir, `${process.pid}-${randomBytes(6).toString('hex')}`);
  }

  /**
   * Puts a workspace file into the store under `hash` without copying bytes when it can:
   * `move` renames it in (the caller links it back), `link` hardlinks it, `copy` copies to a
   * temp file first. Objects are made read-only. An object already present is kept.
   */
  putFile(abs: string, hash: string, how: 'move' | 'link' | 'copy'): void {
    const dest = this.path(hash);
    if (existsSync(dest)) return;
    mkdirSync(dirname(dest), { recursive: true });
    if (how === 'move') {
      renameSync(abs, dest);
    } else {
      const tmp = this.tempPath();
      try {
        if (how === 'link') linkSync(abs, tmp);
        else copyFileSync(abs, tmp);
        renameSync(tmp, dest);
      } finally {
        rmSync(tmp, { force: true });
      }
    }
    makeReadOnly(dest);
  }

  /** Stores bytes (a manifest, a downloaded object) atomically under `hash`. */
  putBytes(hash: string, bytes: string | Uint8Array): void {
    const dest = this.path(hash);
    if (existsSync(dest)) return;
    mkdirSync(dirname(dest), { recursive: true });
    const tmp = this.tempPath();
    try {
      writeFileSync(tmp, bytes, { mode: 0o444 });
      renameSync(tmp, dest);
    } finally {
      rmSync(tmp, { force: true });
    }
  }

  /** Stores a directory's manifest and returns its hash (`sha256:….dir`); `text`: its serialisation, when the caller has it already. */
  putManifest(entries: readonly ManifestEntry[], text = serializeManifest(entries)): string {
    const hash = `sha256:${hashBytes(text)}.dir`;
    this.putBytes(hash, text);
    return hash;
  }

  /** Reads a manifest object: undefined unless its bytes match its name and it is a usable manifest (parseManifest). */
  readManifest(hash: string): ManifestEntry[] | undefined {
    let text: string;
    try {
      text = readFileSync(this.path(hash), 'utf8');
    } catch {
      return undefined;
    }
    if (`sha256:${hashBytes(text)}.dir` !== hash) return undefined;
    const parsed = parseManifest(text);
    return parsed.ok ? parsed.entries : undefined;
  }

  /** Re-reads an object and compares its bytes with its name. */
  verify(hash: string): boolean {
    const p = parseHash(hash);
    if (!p) return false;
    try {
      const abs = this.path(hash);
      return p.isDir ? this.readManifest(hash) !== undefined : hashFileSync(abs, statSync(abs).size) === p.hex;
    } catch {
      return false;
    }
  }

  /** Moves a corrupt object out of the way (to `corrupt/`) so it is treated as missing. Returns where it went. */
  quarantine(hash: string): string {
    const dest = join(this.root, 'corrupt', `${objectKey(hash).replaceAll('/', '_')}.${Date.now()}`);
    mkdirSync(dirname(dest), { recursive: true });
    renameSync(this.path(hash), dest);
    return dest;
  }
}

export function makeReadOnly(abs: string): void {
  const mode = statSync(abs).mode & 0o777;
  const ro = mode & ~0o222;
  if (ro !== mode) chmodSync(abs, ro);
}
