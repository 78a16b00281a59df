/** @module CACHE_WRITE_FAILED: the local cache refused a write (full, read-only, not permitted), said in one line with what to do. */
import { relative } from 'node:path';
import { PipeError, isPipeError } from '../errors.js';
import { refusalAdvice, writeRefusal } from '../fs/write-refusal.js';

/**
 * `err` as CACHE_WRITE_FAILED when it is the cache's disk refusing a write under `root`;
 * otherwise `err` itself. `path` is what was being written, when the error does not say.
 */
export function cacheWriteFailure(err: unknown, root: string, path?: string): unknown {
  if (isPipeError(err)) return err;
  const refused = writeRefusal(err, root);
  if (!refused) return err;
  const at = (err as NodeJS.ErrnoException).path ?? path ?? root;
  const rel = relative(root, at);
  const what = rel && !rel.startsWith('..') ? ` while writing ${rel}` : '';
  return new PipeError(
    'CACHE_WRITE_FAILED',
    `the cache (${root}) ${refused.state}${what}; nothing was left half-written: ${refusalAdvice(refused, root, 'pipe gc removes objects the workspace does not use')}`,
    { path: at, errno: refused.errno },
    { cause: err },
  );
}
