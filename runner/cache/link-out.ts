/** @module Puts a stored object at a workspace path by the first link type that works: reflink, hardlink, symlink, copy. */
import { constants, copyFileSync, linkSync, symlinkSync } from 'node:fs';

export type LinkType = 'reflink' | 'hardlink' | 'symlink' | 'copy';
export const DEFAULT_LINK_TYPES: readonly LinkType[] = ['reflink', 'hardlink', 'copy'];

/**
 * Creates `dest` (which must not exist) from `object`. Returns the type used. Errors that mean
 * "this filesystem cannot do that" move on to the next type; any other error is thrown.
 */
export function linkObject(object: string, dest: string, types: readonly LinkType[]): LinkType {
  let last: unknown;
  for (const type of types) {
    try {
      if (type === 'reflink') copyFileSync(object, dest, constants.COPYFILE_FICLONE_FORCE);
      else if (type === 'hardlink') linkSync(object, dest);
      else if (type === 'symlink') symlinkSync(object, dest);
      else copyFileSync(object, dest);
      return type;
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (!UNSUPPORTED.has(code ?? '')) throw err;
      last = err;
    }
  }
  throw last ?? new Error(`no link type given for ${dest}`);
}

/** "Not on this filesystem": reflink unsupported, hardlink across devices or over the link limit. */
const UNSUPPORTED = new Set(['ENOTSUP', 'EOPNOTSUPP', 'EXDEV', 'EINVAL', 'ENOSYS', 'EMLINK', 'EPERM', 'ENOTTY']);
