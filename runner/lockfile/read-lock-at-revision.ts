/** @module Reads data.lock as committed at a revision (or in the workspace), parsed by the one lock parser. */
import { PipeError, isPipeError } from '../errors.js';
import { LOCK_FILE, emptyLock, type Lock } from './lock.js';
import { parseLock } from './read-lock.js';
import { readFileAtRevision } from '../git/read-file-at-revision.js';

/** The lock at `rev`; a revision without data.lock has an empty lock (as readLock does for the workspace). */
export async function readLockAtRevision(root: string, rev: string): Promise<Lock> {
  const file = await readFileAtRevision(root, rev, LOCK_FILE);
  if (!file.found) return emptyLock();
  try {
    return await parseLock(file.text);
  } catch (err) {
    if (!isPipeError(err, 'LOCK_INVALID')) throw err;
    throw new PipeError('LOCK_INVALID', `at revision ${rev}: ${err.message}`, err.data, { cause: err });
  }
}
