/** @module Where a repository path really leads, refused when a symlink takes it outside the repository or into pipe's or git's own directory. */
import { realpathSync } from 'node:fs';
import { join, sep } from 'node:path';
import { PipeError } from '../errors.js';

/**
 * The real path of `path` (relative to `root`), or undefined when nothing is there. Throws
 * PATH_INVALID (exit 2) when a symlink leads outside the repository, or into `.pipe/` (whose
 * config.local.yaml keeps a remote's credentials) or `.git/`: a metrics, params or plots file
 * read from there would end up in data.lock or in a report posted to a pull request. Symlinks
 * within the repository are fine. realpath(3) (`.native`) gives each component's real case, so
 * `.PIPE/` on a case-insensitive filesystem is caught too.
 */
export function realPathInside(root: string, path: string): string | undefined {
  let real: string;
  try {
    real = realpathSync.native(join(root, path));
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
    throw err;
  }
  const realRoot = realpathSync.native(root);
  if (real === realRoot) return real;
  if (!real.startsWith(`${realRoot}${sep}`)) {
    throw new PipeError('PATH_INVALID', `'${path}' leads through a symlink to ${real}, outside the repository; pipe reads metrics, params and plots only from inside it`, {
      path,
      reason: 'symlink-outside-repository',
    });
  }
  const top = real.slice(realRoot.length + 1).split(sep)[0];
  if (top === '.pipe' || top === '.git') {
    throw new PipeError('PATH_INVALID', `'${path}' leads through a symlink into ${top}/, which pipe never reads metrics, params or plots from`, {
      path,
      reason: 'symlink-into-internal-directory',
    });
  }
  return real;
}
