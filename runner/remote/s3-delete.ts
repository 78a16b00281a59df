/** @module Deletes keys of an S3 remote with DeleteObjects: 1,000 keys a request (the API's limit), a few requests at once. */
import { createHash } from 'node:crypto';
import type * as S3 from '@aws-sdk/client-s3';
import { PipeError } from '../errors.js';
import type { Redact } from './redact.js';
import type { S3Where } from './s3-errors.js';

/** The most keys one DeleteObjects request may name. */
export const DELETE_BATCH = 1000;

export interface DeleteKeysOptions {
  readonly sdk: Pick<typeof S3, 'DeleteObjectsCommand'>;
  /** Sends a command, turning SDK errors into REMOTE_FAILED. */
  readonly send: <O>(cmd: { readonly input: unknown }) => Promise<O>;
  readonly bucket: string;
  /** '' or 'some/prefix/'. */
  readonly prefix: string;
  readonly keys: readonly string[];
  readonly jobs: number;
  readonly at: S3Where;
  readonly redact: Redact;
}

/** `keys` relative to the remote's root; a key that is not there is no error (S3 reports it deleted). */
export async function deleteKeys(o: DeleteKeysOptions): Promise<void> {
  const batches = inBatches(o.keys, DELETE_BATCH);
  let next = 0;
  let failure: { err: unknown } | undefined;
  const worker = async () => {
    while (!failure && next < batches.length) {
      const batch = batches[next++] as readonly string[];
      try {
        await deleteBatch(o, batch);
      } catch (err) {
        failure ??= { err };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(o.jobs, batches.length)) }, worker));
  if (failure) throw failure.err;
}

/** `items` cut into consecutive slices of at most `size`. */
export function inBatches<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

async function deleteBatch(o: DeleteKeysOptions, keys: readonly string[]): Promise<void> {
  const cmd = new o.sdk.DeleteObjectsCommand({
    Bucket: o.bucket,
    Delete: { Objects: keys.map((k) => ({ Key: o.prefix + k })), Quiet: true },
  });
  // S3 requires a body checksum on DeleteObjects. The SDK sends a CRC32 one; many S3-compatible
  // stores only know Content-MD5, which AWS accepts as well, so both go.
  cmd.middlewareStack.add(
    (next) => async (args) => {
      const req = args.request as { headers?: Record<string, string>; body?: unknown };
      if (req.headers && (typeof req.body === 'string' || req.body instanceof Uint8Array)) {
        req.headers['content-md5'] = createHash('md5').update(req.body).digest('base64');
      }
      return next(args);
    },
    { step: 'build', name: 'pipeContentMd5' },
  );
  const r = await o.send<S3.DeleteObjectsCommandOutput>(cmd);
  const errors = (r.Errors ?? []).filter((e) => e.Code !== 'NoSuchKey');
  if (errors.length === 0) return;
  const first = errors[0] as S3._Error;
  const denied = errors.some((e) => e.Code === 'AccessDenied');
  const objects = errors.map((e) => (e.Key ?? '').slice(o.prefix.length));
  const text = `remote '${o.at.remote}': ${errors.length} of ${keys.length} objects could not be deleted from ${o.at.url} (${first.Code ?? 'error'}: ${first.Message ?? 'no message'}; first: ${objects[0]})${
    denied ? '; the credentials may read and write but not delete: grant s3:DeleteObject' : ''
  }; nothing after them was deleted, run the command again`;
  throw new PipeError('REMOTE_FAILED', o.redact(text), { remote: o.at.remote, reason: denied ? 'access-denied' : 'failed', objects });
}
