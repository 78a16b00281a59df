/** @module SHA-256 of a large file read in chunks, so that other transfers go on between the reads. */
import { createHash } from 'node:crypto';
import { open } from 'node:fs/promises';

const CHUNK = 1 << 20;

export async function hashFileAsync(abs: string): Promise<string> {
  const hash = createHash('sha256');
  const fh = await open(abs, 'r');
  try {
    const buf = Buffer.allocUnsafe(CHUNK);
    for (;;) {
      const { bytesRead } = await fh.read(buf, 0, CHUNK, null);
      if (bytesRead === 0) break;
      hash.update(buf.subarray(0, bytesRead));
    }
  } finally {
    await fh.close();
  }
  return hash.digest('hex');
}
