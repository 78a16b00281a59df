/** @module Normalises a path written in pipeline.yaml into a repository path, refusing escapes. */
import { posix, resolve } from 'node:path';

/** Paths are repository-relative, POSIX-separated, normalised (no `.`/`..`, no trailing slash). */
export type RepoPath = string;

export type RepoPathResult = { ok: true; path: RepoPath } | { ok: false; reason: string };

/** Resolves `p` (relative to `wdir`) to a normalised repository-relative path. */
export function toRepoPath(p: string, wdir: RepoPath = '.'): RepoPathResult {
  if (p.includes('\0')) return { ok: false, reason: 'contains a NUL byte' };
  if (p.includes('\\')) return { ok: false, reason: "uses '\\'; write paths with '/'" };
  if (posix.isAbsolute(p) || /^[A-Za-z]:/.test(p)) {
    return { ok: false, reason: 'is absolute; paths must be relative to the repository' };
  }
  const joined = posix.normalize(posix.join(wdir, p)).replace(/\/+$/, '');
  if (joined === '..' || joined.startsWith('../')) {
    return { ok: false, reason: 'escapes the repository' };
  }
  if (joined === '.' || joined === '') return { ok: false, reason: 'names the repository root itself' };
  const first = joined.split('/')[0];
  if (first === '.git' || first === '.pipe') return { ok: false, reason: `is inside ${first}/, which pipe manages` };
  return { ok: true, path: joined };
}

/** True when `inner` equals `outer` or lies inside it. */
export function isWithin(inner: RepoPath, outer: RepoPath): boolean {
  return inner === outer || inner.startsWith(`${outer}/`);
}

/** True when `p`, read from a file pipe did not just write (data.lock, a record), is already a normalised repository path. */
export function isRepoPath(p: unknown): p is RepoPath {
  if (typeof p !== 'string') return false;
  const r = toRepoPath(p);
  return r.ok && r.path === p;
}

/** A command-line path (relative to cwd) as a path relative to the repository root. */
export function relativeTo(root: string, cwd: string, p: string): string {
  const abs = resolve(cwd, p);
  return abs === root ? '.' : abs.startsWith(`${root}/`) ? abs.slice(root.length + 1) : `../${abs}`;
}
