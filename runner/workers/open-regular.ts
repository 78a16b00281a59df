/** @module Opens a file for reading only if it is a regular file, and reads no more of it than a limit: a FIFO, a device or a file that keeps growing must not hang a reader or fill its memory. */
import { closeSync, constants, fstatSync, openSync, readSync } from 'node:fs';

/** The path names something other than a regular file; `what` says what, for messages ("a FIFO"). */
export class NotRegularFile extends Error {
  readonly code = 'ENOTREG';
  constructor(
    readonly path: string,
    readonly what: string,
  ) {
    super(`${path} is ${what}, not a regular file`);
    this.name = 'NotRegularFile';
  }
}

/**
 * An open descriptor and the size of the file at `path`. O_NONBLOCK: opening a FIFO for reading
 * would otherwise wait for a writer forever (it changes nothing for a regular file). A symlink is
 * followed, then fstat — on the descriptor, so nothing can swap the file in between — refuses
 * anything but a regular file (a FIFO, /dev/zero, a directory, a socket).
 */
export function openRegular(path: string): { fd: number; size: number } {
  const fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) throw new NotRegularFile(path, kindOf(st));
    return { fd, size: st.size };
  } catch (err) {
    closeSync(fd);
    throw err;
  }
}

/**
 * Reads from `fd` into `buf` until `buf` is full or the file ends; returns the bytes read. Give a
 * buffer one byte longer than the most you accept: a full buffer means "too long".
 */
export function readFull(fd: number, buf: Buffer): number {
  let n = 0;
  while (n < buf.length) {
    const k = readSync(fd, buf, n, buf.length - n, null);
    if (k === 0) break;
    n += k;
  }
  return n;
}

function kindOf(st: { isDirectory(): boolean; isFIFO(): boolean; isCharacterDevice(): boolean; isBlockDevice(): boolean; isSocket(): boolean }): string {
  if (st.isDirectory()) return 'a directory';
  if (st.isFIFO()) return 'a FIFO';
  if (st.isCharacterDevice()) return 'a character device';
  if (st.isBlockDevice()) return 'a block device';
  if (st.isSocket()) return 'a socket';
  return 'not a file';
}
