/** @module Whether a file at a revision is binary (an image, an archive) rather than text, from its first bytes only. */
import { closeSync, openSync, readSync } from 'node:fs';
import { realPathInside } from '../fs/real-path-inside.js';
import { openGitRepo } from './open-git-repo.js';
import type { Revision } from './revision.js';

/** As git decides "binary": a NUL byte in the first 8,000 bytes. */
const SNIFF_BYTES = 8000;

const SIGNATURES: readonly (readonly [string, readonly number[]])[] = [
  ['a PNG image', [0x89, 0x50, 0x4e, 0x47]],
  ['a JPEG image', [0xff, 0xd8, 0xff]],
  ['a GIF image', [0x47, 0x49, 0x46, 0x38]],
  ['a PDF document', [0x25, 0x50, 0x44, 0x46, 0x2d]],
  ['a zip archive', [0x50, 0x4b, 0x03, 0x04]],
  ['a gzip archive', [0x1f, 0x8b]],
];

/** `a PNG image`, `a binary file`, or undefined for text (and for a file that is not there: readers say so). */
export async function binaryKindAt(root: string, rev: Revision, path: string): Promise<string | undefined> {
  const head = rev.commit === undefined ? workspacePrefix(root, path) : await gitPrefix(root, rev.commit, path);
  return head && binaryKind(head);
}

export function binaryKind(head: Uint8Array): string | undefined {
  for (const [kind, sig] of SIGNATURES) if (sig.every((b, i) => head[i] === b)) return kind;
  return head.subarray(0, SNIFF_BYTES).includes(0) ? 'a binary file' : undefined;
}

function workspacePrefix(root: string, path: string): Uint8Array | undefined {
  let fd: number | undefined;
  try {
    const real = realPathInside(root, path);
    if (real === undefined) return undefined;
    fd = openSync(real, 'r');
    const buf = Buffer.alloc(SNIFF_BYTES);
    return buf.subarray(0, readSync(fd, buf, 0, SNIFF_BYTES, 0));
  } catch {
    return undefined; // absent, a directory, unreadable: the reader that follows says which
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

async function gitPrefix(root: string, commit: string, path: string): Promise<Uint8Array | undefined> {
  const repo = await openGitRepo(root);
  if (!repo) return undefined;
  try {
    // git stores blobs compressed whole: this reads it, but nothing parses or prints it.
    const { blob } = await repo.git.readBlob({ fs: repo.fs, gitdir: repo.gitdir, oid: commit, filepath: repo.prefix ? `${repo.prefix}/${path}` : path, cache: repo.cache });
    return blob.subarray(0, SNIFF_BYTES);
  } catch {
    return undefined;
  }
}
