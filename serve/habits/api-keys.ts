/** @module The set of accepted API keys, held only as SHA-256 digests, and the key id that logs and rate limits name a caller by. */
import * as crypto from 'node:crypto';

/** What a bearer token may contain (RFC 6750's b64token). */
export const BEARER_TOKEN = /^[A-Za-z0-9\-._~+/]+=*$/;

// crypto.hash (Node ≥ 20.12) skips the Hash object: about 2.5 times faster per request than createHash.
const oneShot = (crypto as { hash?: (algorithm: string, data: string, encoding: 'buffer') => Buffer }).hash;

export function sha256(text: string): Buffer {
  return oneShot ? oneShot('sha256', text, 'buffer') : crypto.createHash('sha256').update(text, 'utf8').digest();
}

/** A short, non-reversible name for a key: the first 8 hex digits of its SHA-256. */
export function keyIdOf(digest: Buffer): string {
  return digest.toString('hex', 0, 4);
}

export class ApiKeySet {
  readonly #digests: readonly Buffer[];

  /** `digests`: the SHA-256 of each accepted key (32 bytes each). */
  constructor(digests: readonly Buffer[]) {
    this.#digests = digests;
  }

  get size(): number {
    return this.#digests.length;
  }

  /** The key id of `token` when it is one of the keys, else undefined. Every digest is compared, in constant time each, so the time taken does not say which key came close. */
  identify(token: string): string | undefined {
    const digest = sha256(token);
    let found = false;
    for (const d of this.#digests) if (crypto.timingSafeEqual(d, digest)) found = true;
    return found ? keyIdOf(digest) : undefined;
  }
}
