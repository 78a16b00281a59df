/** @module The content hash pipe uses (SHA-256 through node:crypto), of bytes in memory; files are hashed by runner/workers/hash-file-sync.ts. */
import { createHash } from 'node:crypto';

export const HASH_ALGORITHM = 'sha256';

export function hashBytes(data: string | Uint8Array): string {
  return createHash(HASH_ALGORITHM).update(data).digest('hex');
}
