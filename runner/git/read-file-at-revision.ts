/** @module Reads one file as it is at a revision — from git's object store, or from the working tree for the workspace — without touching the workspace. */
import { readFileSync } from 'node:fs';
import { realPathInside } from '../fs/real-path-inside.js';
import { gitErrorCode, gitErrorData } from './git-error-code.js';
import { openGitRepo } from './open-git-repo.js';
import { resolveRevision } from './resolve-revision.js';
import { gitReadFailed, unknownRevision, type Revision } from './revision.js';

/** A file's text at a revision, or why there is none (never an exception for a file that is simply not there). */
export type FileAtRevision =
  | { readonly found: true; readonly text: string }
  /** `absent`: no such path; `not-a-file`: the path is a directory (or a submodule) there. */
  | { readonly found: false; readonly reason: 'absent' | 'not-a-file' };

/** `path` (relative to the pipe root, POSIX) at `rev` (any revision git understands, or `workspace`). */
export async function readFileAtRevision(root: string, rev: string, path: string): Promise<FileAtRevision> {
  return readFileAt(root, await resolveRevision(root, rev), path);
}

/** A file's bytes at a revision (an image), or why there are none. */
export type BytesAtRevision = { readonly found: true; readonly bytes: Buffer } | { readonly found: false; readonly reason: 'absent' | 'not-a-file' };

/** `path` at an already resolved revision: resolve once, read many files. */
export async function readFileAt(root: string, rev: Revision, path: string): Promise<FileAtRevision> {
  const file = await readBytesAt(root, rev, path);
  return file.found ? { found: true, text: file.bytes.toString('utf8') } : file;
}

/** `path`'s bytes at an already resolved revision, as readFileAt reads its text. */
export async function readBytesAt(root: string, rev: Revision, path: string): Promise<BytesAtRevision> {
  if (rev.commit === undefined) return readWorkspaceFile(root, path);
  const repo = await openGitRepo(root);
  if (!repo) throw unknownRevision(rev.name, `${root} is not inside a git repository`);
  const filepath = repo.prefix ? `${repo.prefix}/${path}` : path;
  try {
    const { blob } = await repo.git.readBlob({ fs: repo.fs, gitdir: repo.gitdir, oid: rev.commit, filepath, cache: repo.cache });
    return { found: true, bytes: Buffer.from(blob.buffer, blob.byteOffset, blob.byteLength) };
  } catch (err) {
    const code = gitErrorCode(err);
    // isomorphic-git says 'file or directory found at "oid:path"' for a path the tree lacks; any
    // other missing object means a broken object store, not an absent file.
    if (code === 'NotFoundError' && String(gitErrorData(err).what).startsWith('file or directory')) return { found: false, reason: 'absent' };
    // A directory where a file was expected, or a file where the path needs a directory.
    if (code === 'ObjectTypeError') return { found: false, reason: 'not-a-file' };
    throw gitReadFailed({ revision: rev.name, path }, err);
  }
}

/**
 * A workspace file is read only when it really is inside the repository: a metrics or plots
 * file that is a symlink to, say, ~/.aws/credentials would otherwise end up in a report posted
 * to a pull request. Symlinks within the repository are followed.
 */
function readWorkspaceFile(root: string, path: string): BytesAtRevision {
  try {
    const real = realPathInside(root, path);
    if (real === undefined) return { found: false, reason: 'absent' };
    return { found: true, bytes: readFileSync(real) };
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return { found: false, reason: 'absent' };
    if (code === 'EISDIR') return { found: false, reason: 'not-a-file' };
    throw err;
  }
}
