/** @module Reads what pipe leaves in a repository's object store (.pipe/cache/files/), independently of the runner's code. */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync, statSync, type Stats } from 'node:fs';
import { join } from 'node:path';
import type { DataLock, Repo } from './repo.js';

/** One entry of a directory manifest object. */
export interface ManifestEntry {
  relpath: string;
  hash: string;
  size: number;
  exec: boolean;
}

export const STORE = '.pipe/cache/files/sha256';

export function sha256(bytes: string | Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** The hex digest of `sha256:<hex>[.dir]`; fails the test on anything else. */
export function hexOf(hash: string): string {
  const m = /^sha256:([0-9a-f]{64})(\.dir)?$/.exec(hash);
  if (!m) throw new Error(`not an object hash: ${hash}`);
  return m[1] as string;
}

/** Repository-relative path of the object for `hash` (`sha256:<hex>[.dir]`): `.pipe/cache/files/sha256/<2 hex>/<62 hex>[.dir]`. */
export function objectRel(hash: string): string {
  const hex = hexOf(hash);
  return `${STORE}/${hex.slice(0, 2)}/${hex.slice(2)}${hash.endsWith('.dir') ? '.dir' : ''}`;
}

export function objectPath(repo: Repo, hash: string): string {
  return repo.path(objectRel(hash));
}

export function hasObject(repo: Repo, hash: string): boolean {
  return existsSync(objectPath(repo, hash));
}

export function readObject(repo: Repo, hash: string): Buffer {
  return readFileSync(objectPath(repo, hash));
}

/** Every object file in the store, as `sha256:<hex>[.dir]`, sorted. */
export function storedObjects(repo: Repo): string[] {
  const base = repo.path(STORE);
  if (!existsSync(base)) return [];
  const out: string[] = [];
  for (const prefix of readdirSync(base)) {
    for (const name of readdirSync(join(base, prefix))) out.push(`sha256:${prefix}${name}`);
  }
  return out.sort();
}

/** A manifest object parsed as JSON. */
export function readManifest(repo: Repo, hash: string): ManifestEntry[] {
  return JSON.parse(readObject(repo, hash).toString('utf8')) as ManifestEntry[];
}

/**
 * Every object the lock needs: the hashes of its stage outs and deps and of its tracked data,
 * plus the file objects listed by each directory manifest among them (when that manifest is stored).
 */
export function referencedObjects(repo: Repo, lock: DataLock): Set<string> {
  const roots: string[] = [];
  for (const s of Object.values(lock.stages)) for (const x of [...s.outs, ...s.deps]) roots.push(x.hash);
  for (const d of Object.values(lock.data ?? {})) roots.push((d as { hash: string }).hash);
  const refs = new Set<string>();
  for (const hash of roots) {
    refs.add(hash);
    if (hash.endsWith('.dir') && hasObject(repo, hash)) for (const e of readManifest(repo, hash)) refs.add(`sha256:${e.hash}`);
  }
  return refs;
}

/** stat of a repository path (following symlinks). */
export function stat(repo: Repo, rel: string): Stats {
  return statSync(repo.path(rel));
}

/** Whether any write bit (owner, group or other) is set. */
export function writable(st: Stats): boolean {
  return (st.mode & 0o222) !== 0;
}
