/** @module Where a repository path really leads, refused when a symlink takes it outside the repository or into pipe's or git's own directory. */
import { realpathSync } from 'node:fs';
import { join, sep } from 'node:path';
import { PipeError } from '../errors.js';

/** What pipe was about to do with a path, for the message that refuses it. */
export type PathUse = 'read' | 'write' | 'copy';

const USE: Record<PathUse, { outside: string; internal: string }> = {
  read: { outside: 'pipe reads metrics, params and plots only from inside it', internal: 'which pipe never reads metrics, params or plots from' },
  write: { outside: 'pipe writes, links and deletes files only inside it', internal: 'where pipe never writes, links or deletes workspace files' },
  copy: { outside: 'pipe copies into the workspace only files from inside it', internal: 'which pipe never copies into the workspace' },
};

/**
 * The real path of `path` (relative to `root`), or undefined when nothing is there. Throws
 * PATH_INVALID (exit 2) when a symlink leads outside the repository, or into `.pipe/` (whose
 * config.local.yaml keeps a remote's credentials) or `.git/`: a metrics, params or plots file
 * read from there would end up in data.lock or in a report posted to a pull request. Symlinks
 * within the repository are fine. realpath(3) (`.native`) gives each component's real case, so
 * `.PIPE/` on a case-insensitive filesystem is caught too.
 */
export function realPathInside(root: string, path: string, use: PathUse = 'read'): string | undefined {
  let real: string;
  try {
    real = realpathSync.native(join(root, path));
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
    throw err;
  }
  const refused = refusal(realpathSync.native(root), path, real, use);
  if (refused) throw refused;
  return real;
}

/**
 * Why `path`, whose real path is `real`, may not be used, or undefined when `real` is the
 * repository root (`realRoot`, itself a real path) or inside it, outside `.git/` and `.pipe/`.
 */
export function refusal(realRoot: string, path: string, real: string, use: PathUse): PipeError<'PATH_INVALID'> | undefined {
  if (real === realRoot) return undefined;
  if (!real.startsWith(`${realRoot}${sep}`)) {
    return new PipeError('PATH_INVALID', `'${path}' leads through a symlink to ${real}, outside the repository; ${USE[use].outside}`, {
      path,
      reason: 'symlink-outside-repository',
    });
  }
  const top = real.slice(realRoot.length + 1).split(sep)[0];
  if (top === '.pipe' || top === '.git') {
    return new PipeError('PATH_INVALID', `'${path}' leads through a symlink into ${top}/, ${USE[use].internal}`, {
      path,
      reason: 'symlink-into-internal-directory',
    });
  }
  return undefined;
}
