/** @module Tells a write the disk refused (full, over quota, read-only, not permitted) from other failures, in words a person can act on. */
import { accessSync, constants } from 'node:fs';

export interface WriteRefusal {
  /** The errno code that says it (ENOENT from a read-only disk is reported as EROFS). */
  readonly errno: string;
  readonly kind: 'full' | 'read-only' | 'denied';
  /** What the disk is, after its name: "is full (ENOSPC)". */
  readonly state: string;
}

const STATES: Readonly<Record<string, Omit<WriteRefusal, 'errno'>>> = {
  ENOSPC: { kind: 'full', state: 'is full (ENOSPC)' },
  EDQUOT: { kind: 'full', state: 'is over its disk quota (EDQUOT)' },
  EFBIG: { kind: 'full', state: 'cannot hold a file this large (EFBIG)' },
  EROFS: { kind: 'read-only', state: 'is read-only (EROFS)' },
  EACCES: { kind: 'denied', state: 'is not writable by this user (EACCES)' },
  EPERM: { kind: 'denied', state: 'is not writable by this user (EPERM)' },
};

/**
 * Why a write under `root` failed, when the disk refused it; undefined for anything else. Node's
 * recursive mkdir reports a read-only filesystem as ENOENT, so an ENOENT under a root that still
 * exists is checked against the root's own writability.
 */
export function writeRefusal(err: unknown, root: string): WriteRefusal | undefined {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  if (typeof code !== 'string') return undefined;
  const known = STATES[code];
  if (known) return { errno: code, ...known };
  if (code !== 'ENOENT') return undefined;
  try {
    accessSync(root, constants.W_OK);
    return undefined;
  } catch (e) {
    const c = (e as NodeJS.ErrnoException).code;
    return c === 'EROFS' || c === 'EACCES' || c === 'EPERM' ? { errno: c, ...(STATES[c] as Omit<WriteRefusal, 'errno'>) } : undefined;
  }
}

/** What to do about it, for the end of a message; `freeing` names a way to free space there. */
export function refusalAdvice(r: WriteRefusal, where: string, freeing?: string): string {
  if (r.kind === 'full') return `free space on ${where}${freeing ? ` (${freeing})` : ''}, then run the command again (what was already written is kept)`;
  if (r.kind === 'read-only') return `make ${where} writable (was it mounted, or remounted after an error, read-only?), then run the command again`;
  return `give this user write access to ${where} (its owner and mode), then run the command again`;
}
