/** @module An S3-compatible remote (AWS, MinIO, R2, …) through @aws-sdk/client-s3, which only this file imports, lazily. */
import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import type { Readable } from 'node:stream';
import type * as S3 from '@aws-sdk/client-s3';
import { VerifiedChunks, WHOLE_READ_MAX, readVerified } from './read-verified.js';
import type { Redact } from './redact.js';
import type { Downloaded, LocalObject, Remote } from './remote.js';
import { deleteKeys } from './s3-delete.js';
import { isNotFound, s3Failure, type S3Where } from './s3-errors.js';

export interface S3Options {
  readonly name: string;
  readonly bucket: string;
  /** Key prefix inside the bucket, without leading or trailing slash ('' for the bucket's root). */
  readonly prefix: string;
  readonly endpoint: string | undefined;
  readonly region: string;
  readonly forcePathStyle: boolean;
  readonly credentials: { accessKeyId: string; secretAccessKey: string; sessionToken?: string } | undefined;
  readonly credentialSource: S3Where['credentials'];
  /** Connections kept open: the most requests that run at once. */
  readonly maxSockets: number;
  readonly redact: Redact;
  /** Bounds on a stalled server (the remote's `timeout`, `connect_timeout`, `retries`); defaults in S3_LIMITS. */
  readonly limits?: Partial<S3Limits>;
}

export interface S3Limits {
  /** Seconds a request may go without a byte moving, either way, before it fails (and is retried). */
  readonly timeout: number;
  /** Seconds to wait for a TCP connection. */
  readonly connectTimeout: number;
  /** Tries after the first one, with the SDK's exponential backoff. */
  readonly retries: number;
}

/**
 * A server that stops answering fails a request after `timeout` seconds of silence, tried
 * `retries` more times: 3 × 30 s (plus under a second of backoff) before push or pull gives up.
 */
export const S3_LIMITS: S3Limits = { timeout: 30, connectTimeout: 10, retries: 2 };

/** Larger objects go up in parts (one PUT is limited to 5 GiB; parts bound the memory a transfer holds). */
const PART_SIZE = 16 << 20;
/** Downloads are written to disk in slices of this size. */
const WRITE_SLICE = 8 << 20;

export async function openS3Remote(o: S3Options): Promise<S3Remote> {
  // The SDK warns on stderr that future versions will need Node 22: not something a pipe user can act on.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  // Bundled, the SDK is a CommonJS chunk whose exports arrive as `default`; unbundled, as names.
  const mod = (await import('@aws-sdk/client-s3')) as Sdk & { default?: Sdk };
  return new S3Remote(mod.S3Client ? mod : (mod.default as Sdk), o);
}

type Sdk = typeof S3;

export class S3Remote implements Remote {
  readonly kind = 's3';
  readonly listsSizes = true;
  readonly defaultJobs = 16;
  readonly name: string;
  readonly where: string;
  readonly #sdk: Sdk;
  readonly #client: S3.S3Client;
  readonly #bucket: string;
  /** '' or 'some/prefix/'. */
  readonly #prefix: string;
  readonly #at: S3Where;
  readonly #redact: Redact;
  readonly #limits: S3Limits;

  constructor(sdk: Sdk, o: S3Options) {
    this.#sdk = sdk;
    this.name = o.name;
    this.#bucket = o.bucket;
    this.#prefix = o.prefix ? `${o.prefix}/` : '';
    this.where = `s3://${o.bucket}${o.prefix ? `/${o.prefix}` : ''}`;
    this.#redact = o.redact;
    const limits = { ...S3_LIMITS, ...o.limits };
    this.#limits = limits;
    this.#at = { remote: o.name, bucket: o.bucket, url: this.where, endpoint: o.endpoint, credentials: o.credentialSource, limits };
    const agent = { keepAlive: true, maxSockets: o.maxSockets };
    this.#client = new sdk.S3Client({
      region: o.region,
      ...(o.endpoint ? { endpoint: o.endpoint } : {}),
      forcePathStyle: o.forcePathStyle,
      // Credentials only from what we were given: never ~/.aws, SSO or the instance metadata service.
      // Without any, requests go unsigned (a public bucket, an anonymous MinIO).
      credentials: o.credentials ?? { accessKeyId: '', secretAccessKey: '' },
      ...(o.credentials ? {} : { signer: { sign: async (request: unknown) => request } }),
      // No flexible checksums (aws-chunked bodies, CRC headers): many S3-compatible stores reject
      // them, and every byte is verified against its SHA-256 name anyway.
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
      // The SDK's standard strategy: a timeout, a reset or a 5xx is retried after a random delay
      // of up to 100 ms × 2^attempt (500 ms base when throttled, never above 20 s).
      maxAttempts: limits.retries + 1,
      retryMode: 'standard',
      requestHandler: {
        httpAgent: new HttpAgent(agent),
        httpsAgent: new HttpsAgent(agent),
        connectionTimeout: limits.connectTimeout * 1000,
        // Inactivity on the socket, enforced by the SDK in every phase (sending the body, waiting
        // for the answer, reading it): what catches a server that stopped. Its `requestTimeout`
        // is not used: it only logs a warning unless told to throw, and as a limit on the whole
        // request it would fail a slow upload that is still moving.
        socketTimeout: limits.timeout * 1000,
      },
    } as S3.S3ClientConfig);
  }

  /**
   * ListObjects (v1, paginated by marker = the last key seen): v2's continuation tokens are
   * opaque and some S3-compatible servers cannot mint them (s3rver's use DES, which OpenSSL 3
   * refuses), while every store speaks v1.
   */
  async list(prefix: string, jobs: number): Promise<Map<string, number | undefined>> {
    const out = new Map<string, number | undefined>();
    const full = this.#prefix + prefix;
    /** Lists one prefix from `marker` on; returns the last key of the first page when there is more (or undefined). */
    const page = async (Prefix: string, Marker?: string): Promise<{ last?: string; more: boolean }> => {
      const r = await this.#send<S3.ListObjectsCommandOutput>(new this.#sdk.ListObjectsCommand({ Bucket: this.#bucket, Prefix, ...(Marker ? { Marker } : {}) }));
      let last: string | undefined;
      for (const c of r.Contents ?? []) {
        if (!c.Key) continue;
        last = c.Key;
        if (c.Key.startsWith(this.#prefix)) out.set(c.Key.slice(this.#prefix.length), c.Size);
      }
      return { last, more: Boolean(r.IsTruncated) && last !== undefined };
    };
    const drain = async (Prefix: string, Marker?: string) => {
      for (let p = await page(Prefix, Marker); p.more; p = await page(Prefix, p.last));
    };
    const first = await page(full);
    if (!first.more || first.last === undefined) return out;
    // More than one page: the keys fan out over 256 two-hex-digit "directories", which are listed
    // in parallel (10 sequential round trips for 10,000 objects become ~16 parallel rounds of small ones).
    const last = first.last;
    const sub = last.slice(full.length, full.length + 3);
    if (!/^[0-9a-f]{2}\/$/.test(sub)) {
      await drain(full, last);
      return out;
    }
    const tasks: { prefix: string; marker?: string }[] = [{ prefix: full + sub, marker: last }];
    for (let i = parseInt(sub, 16) + 1; i < 256; i++) tasks.push({ prefix: `${full}${i.toString(16).padStart(2, '0')}/` });
    const worker = async () => {
      for (let t = tasks.shift(); t; t = tasks.shift()) await drain(t.prefix, t.marker);
    };
    await Promise.all(Array.from({ length: Math.max(1, Math.min(jobs, tasks.length)) }, worker));
    return out;
  }

  async head(key: string): Promise<number | undefined> {
    try {
      const r = await this.#client.send(new this.#sdk.HeadObjectCommand({ Bucket: this.#bucket, Key: this.#prefix + key }));
      return r.ContentLength ?? 0;
    } catch (err) {
      if (isNotFound(err)) return undefined;
      throw s3Failure(err, this.#at, this.#redact);
    }
  }

  async upload(key: string, object: LocalObject): Promise<void> {
    if (object.size <= WHOLE_READ_MAX) {
      const bytes = await readVerified(object);
      await this.#put(key, bytes, object.hex);
      return;
    }
    await this.#multipart(key, object);
  }

  async write(key: string, bytes: Uint8Array): Promise<void> {
    await this.#put(key, bytes, createHash('sha256').update(bytes).digest('hex'));
  }

  async download(key: string, dest: string, maxBytes?: number): Promise<Downloaded | undefined> {
    const r = await this.#get(key);
    if (!r) return undefined;
    const body = r.Body as unknown as Readable;
    const hash = createHash('sha256');
    const limit = maxBytes ?? Infinity;
    if ((r.ContentLength ?? 0) > limit) {
      body.destroy();
      return { hex: hash.digest('hex'), size: r.ContentLength ?? 0, tooLong: true };
    }
    let size = 0;
    let slice: Buffer[] = [];
    let sliceBytes = 0;
    let tooLong = false;
    // Small objects (most) are written in one synchronous call once complete; larger ones in
    // slices through a file handle.
    let fh: FileHandle | undefined;
    try {
      try {
        for await (const chunk of body) {
          let c = chunk as Buffer;
          // A body longer than the object can be (a server that lies about it, or never ends)
          // is cut one byte past the size it must have.
          if (size + c.length > limit) {
            c = c.subarray(0, limit + 1 - size);
            tooLong = true;
          }
          hash.update(c);
          size += c.length;
          slice.push(c);
          sliceBytes += c.length;
          if (tooLong) break;
          if (sliceBytes >= WRITE_SLICE) {
            fh ??= await open(dest, 'wx', 0o600);
            await fh.write(Buffer.concat(slice, sliceBytes));
            slice = [];
            sliceBytes = 0;
          }
        }
      } catch (err) {
        // The local disk (opening or writing `dest`), not the network: the caller names the cache.
        if ((err as NodeJS.ErrnoException).syscall === 'write' || (err as NodeJS.ErrnoException).path === dest) throw err;
        throw s3Failure(err, this.#at, this.#redact);
      } finally {
        if (tooLong) body.destroy();
      }
      const rest = slice.length === 1 ? (slice[0] as Buffer) : Buffer.concat(slice, sliceBytes);
      if (fh) await fh.write(rest);
      else writeFileSync(dest, rest, { mode: 0o600, flag: 'wx' });
    } finally {
      await fh?.close();
    }
    return { hex: hash.digest('hex'), size, ...(tooLong ? { tooLong: true as const } : {}) };
  }

  async read(key: string, maxBytes: number): Promise<Uint8Array | undefined> {
    const r = await this.#get(key);
    if (!r) return undefined;
    const body = r.Body as unknown as Readable;
    if ((r.ContentLength ?? 0) > maxBytes) {
      body.destroy();
      return undefined;
    }
    // Read as it comes, not trusting the length header: a body that goes past maxBytes is dropped.
    const chunks: Buffer[] = [];
    let size = 0;
    try {
      for await (const chunk of body) {
        size += (chunk as Buffer).length;
        if (size > maxBytes) {
          body.destroy();
          return undefined;
        }
        chunks.push(chunk as Buffer);
      }
    } catch (err) {
      throw s3Failure(err, this.#at, this.#redact);
    }
    return Buffer.concat(chunks, size);
  }

  async remove(keys: readonly string[], jobs: number): Promise<void> {
    const send = <O>(cmd: { readonly input: unknown }) => this.#send<O>(cmd);
    await deleteKeys({ sdk: this.#sdk, send, bucket: this.#bucket, prefix: this.#prefix, keys, jobs, at: this.#at, redact: this.#redact });
  }

  close(): void {
    this.#client.destroy();
  }

  /** One GET; undefined when there is no such key. */
  async #get(key: string): Promise<S3.GetObjectCommandOutput | undefined> {
    try {
      return await this.#client.send(new this.#sdk.GetObjectCommand({ Bucket: this.#bucket, Key: this.#prefix + key }));
    } catch (err) {
      if (isNotFound(err)) return undefined;
      throw s3Failure(err, this.#at, this.#redact);
    }
  }

  /**
   * One PUT. The payload's SHA-256 is the object's own name, so it is handed to SigV4 as
   * x-amz-content-sha256 instead of being computed again; S3 checks the body against it.
   */
  async #put(key: string, body: Uint8Array, hex: string): Promise<void> {
    const cmd = new this.#sdk.PutObjectCommand({
      Bucket: this.#bucket,
      Key: this.#prefix + key,
      Body: body,
      ContentLength: body.length,
      ContentType: 'application/octet-stream',
    });
    cmd.middlewareStack.add(
      (next) => async (args) => {
        const req = args.request as { headers?: Record<string, string> };
        if (req.headers) req.headers['x-amz-content-sha256'] = hex;
        return next(args);
      },
      { step: 'build', name: 'pipeKnownPayloadHash' },
    );
    await this.#send<S3.PutObjectCommandOutput>(cmd);
  }

  /** Parts read one after another, hashed as they go; only a complete, matching object is completed. */
  async #multipart(key: string, object: LocalObject): Promise<void> {
    const Key = this.#prefix + key;
    const created = await this.#send<S3.CreateMultipartUploadCommandOutput>(new this.#sdk.CreateMultipartUploadCommand({ Bucket: this.#bucket, Key, ContentType: 'application/octet-stream' }));
    const UploadId = created.UploadId;
    const chunks = new VerifiedChunks(object);
    // At most 10,000 parts per upload.
    const partSize = Math.max(PART_SIZE, Math.ceil(object.size / 9_000));
    const buffer = Buffer.allocUnsafe(partSize);
    try {
      const parts: { ETag?: string; PartNumber: number }[] = [];
      for (let c = await chunks.next(partSize, buffer), n = 1; c; c = await chunks.next(partSize, buffer), n++) {
        const r = await this.#send<S3.UploadPartCommandOutput>(new this.#sdk.UploadPartCommand({ Bucket: this.#bucket, Key, UploadId, PartNumber: n, Body: c, ContentLength: c.length }));
        parts.push({ ETag: r.ETag, PartNumber: n });
      }
      chunks.check();
      await this.#send<S3.CompleteMultipartUploadCommandOutput>(new this.#sdk.CompleteMultipartUploadCommand({ Bucket: this.#bucket, Key, UploadId, MultipartUpload: { Parts: parts } }));
    } catch (err) {
      // One try, no longer than one timeout: when the server has stopped, this must not add
      // another round of retries (an upload left unfinished is invisible to readers anyway).
      const abortSignal = AbortSignal.timeout(this.#limits.timeout * 1000);
      await this.#client.send(new this.#sdk.AbortMultipartUploadCommand({ Bucket: this.#bucket, Key, UploadId }), { abortSignal }).catch(() => {});
      throw err;
    } finally {
      await chunks.close();
    }
  }

  async #send<O>(cmd: { readonly input: unknown }): Promise<O> {
    try {
      return (await this.#client.send(cmd as never)) as O;
    } catch (err) {
      throw s3Failure(err, this.#at, this.#redact);
    }
  }
}
