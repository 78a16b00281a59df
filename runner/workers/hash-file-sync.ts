/** @module Streaming SHA-256 of one file through node:crypto (which uses the CPU's SHA extensions), on whichever thread calls it. */
import { createHash } from 'node:crypto';
import { closeSync, openSync, readSync } from 'node:fs';

// 128 KiB, not more: a buffer that fits in L2 is read into and hashed from cache; a 1 MiB one
// made reading + hashing 1 GiB 4x slower here (bench/runner.mjs, docs/BENCHMARKS.md).
const CHUNK = 128 << 10;
/** One per thread: each worker has its own module instance. */
let shared: Buffer | undefined;

/**
 * Hex digest of the file's bytes, read in 128 KiB chunks into one reused buffer. With the size from
 * a stat just taken, a short read that reaches exactly that size is EOF, which saves the final
 * empty read (one syscall per file: 10,000 on a 10,000-file directory). `whileOpen` runs with the
 * digest before the file is closed (fchmod through the open descriptor skips a path lookup).
 */
export function hashFileSync(absPath: string, expectedSize = -1, whileOpen?: (fd: number, hex: string) => void): string {
  shared ??= Buffer.allocUnsafe(CHUNK);
  const buf = shared;
  const hash = createHash('sha256');
  const fd = openSync(absPath, 'r');
  try {
    let total = 0;
    for (;;) {
      const n = readSync(fd, buf, 0, CHUNK, null);
      if (n === 0) break;
      hash.update(n === CHUNK ? buf : buf.subarray(0, n));
      total += n;
      if (n < CHUNK && total === expectedSize) break;
    }
    const hex = hash.digest('hex');
    whileOpen?.(fd, hex);
    return hex;
  } finally {
    closeSync(fd);
  }
}
