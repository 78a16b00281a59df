/** @module Turns what the AWS SDK and the network throw into one clear line: bucket missing, access denied, unreachable. */
import { PipeError } from '../errors.js';
import type { Redact } from './redact.js';

export interface S3Where {
  readonly remote: string;
  readonly bucket: string;
  readonly url: string;
  /** The endpoint as configured, or undefined for AWS itself. */
  readonly endpoint: string | undefined;
  /** Where the credentials came from, to say what to check. */
  readonly credentials: 'environment' | '.pipe/config.local.yaml' | 'none';
  /** The bounds in force, to say what was waited for and which setting to change. */
  readonly limits?: { readonly timeout: number; readonly connectTimeout: number; readonly retries: number };
}

const NETWORK: Readonly<Record<string, string>> = {
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'connection reset',
  EPIPE: 'connection reset',
  ENOTFOUND: 'host not found',
  EAI_AGAIN: 'host name lookup failed',
  ETIMEDOUT: 'timed out',
  TimeoutError: 'timed out',
  RequestTimeout: 'timed out',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  ECONNABORTED: 'connection aborted',
  UND_ERR_SOCKET: 'connection reset',
};

/** Codes that mean the server went quiet rather than said no. */
const TIMEOUTS = new Set(['ETIMEDOUT', 'TimeoutError']);

const DENIED = new Set(['AccessDenied', 'InvalidAccessKeyId', 'SignatureDoesNotMatch', 'ExpiredToken', 'InvalidToken', 'TokenRefreshRequired', 'AllAccessDisabled', 'Forbidden', 'AccountProblem']);

interface SdkError {
  name?: string;
  code?: string;
  Code?: string;
  message?: string;
  cause?: unknown;
  errors?: unknown[];
  $metadata?: { httpStatusCode?: number; attempts?: number };
}

/** Error names and codes of `err` and everything it wraps (causes, AggregateError members). */
function codesOf(err: unknown, depth = 0): string[] {
  if (!err || typeof err !== 'object' || depth > 4) return [];
  const e = err as SdkError;
  const own = [e.name, e.code, e.Code].filter((x): x is string => typeof x === 'string');
  const nested = [e.cause, ...(Array.isArray(e.errors) ? e.errors : [])].flatMap((x) => codesOf(x, depth + 1));
  return [...own, ...nested];
}

export function isNotFound(err: unknown): boolean {
  const e = err as SdkError;
  const codes = codesOf(err);
  return codes.includes('NoSuchKey') || codes.includes('NotFound') || (e?.$metadata?.httpStatusCode === 404 && !codes.includes('NoSuchBucket'));
}

export function s3Failure(err: unknown, where: S3Where, redact: Redact): PipeError<'REMOTE_FAILED'> {
  const codes = codesOf(err);
  const status = (err as SdkError)?.$metadata?.httpStatusCode;
  const at = where.endpoint ? ` at ${where.endpoint}` : '';
  const fail = (reason: PipeError<'REMOTE_FAILED'>['data']['reason'], text: string) =>
    new PipeError('REMOTE_FAILED', redact(`remote '${where.remote}': ${text}`), { remote: where.remote, reason }, { cause: err });

  if (codes.includes('NoSuchBucket')) {
    return fail('bucket-missing', `bucket '${where.bucket}' does not exist${at}; create it, or point the remote at another one: pipe remote modify ${where.remote} url s3://BUCKET/PREFIX`);
  }
  const denied = codes.find((c) => DENIED.has(c));
  if (denied || status === 403 || status === 401) {
    const check =
      where.credentials === 'none'
        ? 'no credentials were given: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY in the environment, or access_key_id and secret_access_key in .pipe/config.local.yaml'
        : `check the credentials (from ${where.credentials === 'environment' ? 'AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY' : '.pipe/config.local.yaml'}) and the bucket's permissions`;
    return fail('access-denied', `access denied to ${where.url}${at} (${denied ?? `HTTP ${status}`}); ${check}`);
  }
  const net = codes.find((c) => NETWORK[c] !== undefined);
  if (net && where.limits && TIMEOUTS.has(net)) {
    const l = where.limits;
    const e = err as SdkError;
    const connecting = /establish a connection/.test(e?.message ?? '');
    const tries = e?.$metadata?.attempts;
    const waited = connecting ? `no connection within ${l.connectTimeout} s` : `no reply for ${l.timeout} s`;
    const setting = connecting ? 'connect_timeout' : 'timeout';
    return fail(
      'unreachable',
      `${where.endpoint ?? 'S3'} stopped answering (${waited}${tries ? `, ${tries} ${tries === 1 ? 'attempt' : 'attempts'}` : ''}); check that the server is up and reachable, or allow more time: pipe remote modify ${where.remote} ${setting} SECONDS (or retries N); then run the command again (what was transferred is kept)`,
    );
  }
  if (net) {
    return fail('unreachable', `cannot reach ${where.endpoint ?? 'S3'} (${NETWORK[net]}); check that the server is up and the endpoint is right, then run the command again (what was transferred is kept)`);
  }
  const name = codes[0] ?? 'error';
  const message = (err as SdkError)?.message ?? String(err);
  return fail('failed', `${where.url}${at}: ${name}${status ? ` (HTTP ${status})` : ''}: ${firstLine(message)}`);
}

function firstLine(s: string): string {
  return (s.split('\n')[0] ?? s).slice(0, 300);
}
