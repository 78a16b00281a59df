/** @module Creates a file that must not exist yet, with its content: the lock-file step of the repository mutex and of a git ref update. */
import { closeSync, openSync, writeSync } from 'node:fs';

/** Writes `data` to `file` if nothing is there; false, touching nothing, when something is. */
export function createExclusive(file: string, data: string): boolean {
  let fd: number;
  try {
    fd = openSync(file, 'wx');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw err;
  }
  try {
    writeSync(fd, data);
  } finally {
    closeSync(fd);
  }
  return true;
}
