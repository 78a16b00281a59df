/** @module Reads a cache object for upload, hashing the very bytes that will be sent, so a corrupt object never leaves the machine. */
import { createHash, type Hash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { ObjectMismatch, type LocalObject } from './remote.js';

/** Objects up to this size are read whole (one buffer per transfer); larger ones in chunks. */
export const WHOLE_READ_MAX = 16 << 20;

/**
 * The whole object, after checking that it hashes to its name. Read synchronously: for objects
 * this small, from the page cache, one blocking read costs less than the thread-pool round trips
 * of an asynchronous one (open, stat, read, close).
 */
export async function readVerified(object: LocalObject): Promise<Buffer> {
  const bytes = readFileSync(object.abs);
  const hex = createHash('sha256').update(bytes).digest('hex');
  if (hex !== object.hex) throw new ObjectMismatch(object.abs, object.hex, hex);
  return bytes;
}

/** Sequential chunks of an object; `check()` after the last one throws when the bytes read do not match its name. */
export class VerifiedChunks {
  readonly #object: LocalObject;
  readonly #hash: Hash = createHash('sha256');
  #fh: FileHandle | undefined;
  #read = 0;

  constructor(object: LocalObject) {
    this.#object = object;
  }

  /** The next chunk of at most `max` bytes, or undefined at the end of the file. */
  async next(max: number, buffer?: Buffer): Promise<Buffer | undefined> {
    this.#fh ??= await open(this.#object.abs, 'r');
    const buf = buffer && buffer.length >= max ? buffer : Buffer.allocUnsafe(max);
    let n = 0;
    while (n < max) {
      const { bytesRead } = await this.#fh.read(buf, n, max - n, null);
      if (bytesRead === 0) break;
      n += bytesRead;
    }
    if (n === 0) return undefined;
    const chunk = buf.subarray(0, n);
    this.#hash.update(chunk);
    this.#read += n;
    return chunk;
  }

  /** Throws ObjectMismatch unless every byte was read and they hash to the object's name. */
  check(): void {
    const hex = this.#hash.digest('hex');
    if (hex !== this.#object.hex) throw new ObjectMismatch(this.#object.abs, this.#object.hex, hex);
  }

  async close(): Promise<void> {
    await this.#fh?.close();
    this.#fh = undefined;
  }

  get bytesRead(): number {
    return this.#read;
  }
}
