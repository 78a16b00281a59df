/** @module Picks the remote a command uses (-r NAME, the default, the only one) and opens it, with credentials from the environment or config.local.yaml. */
import { realpathSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Config } from '../config/load-config.js';
import { checkDirectory, type RemoteConfig } from '../config/parse-remotes.js';
import { PipeError } from '../errors.js';
import { pipeDir } from '../repo/pipe-dir.js';
import { DirectoryRemote } from './local.js';
import { redactor, type Redact } from './redact.js';
import type { Remote } from './remote.js';

/** The remote named `name`, else the default one, else the only one; REMOTE_MISSING says how to configure one. */
export function selectRemote(config: Pick<Config, 'remotes' | 'defaultRemote'>, name?: string): RemoteConfig {
  const known = [...config.remotes.keys()];
  if (name !== undefined) {
    const r = config.remotes.get(name);
    if (r) return r;
    throw new PipeError(
      'REMOTE_MISSING',
      known.length
        ? `there is no remote named '${name}' (configured: ${known.join(', ')}); add it with: pipe remote add ${name} URL`
        : `there is no remote named '${name}': no remote is configured; add one with: pipe remote add ${name} URL  (URL: a directory, or s3://bucket/prefix)`,
      { name, known },
    );
  }
  const chosen = config.defaultRemote ?? (known.length === 1 ? known[0] : undefined);
  const r = chosen === undefined ? undefined : config.remotes.get(chosen);
  if (r) return r;
  throw new PipeError(
    'REMOTE_MISSING',
    known.length
      ? `${known.length} remotes are configured (${known.join(', ')}) and none is the default; pass -r NAME, or choose one with: pipe remote default NAME`
      : 'no remote is configured; add one with: pipe remote add NAME URL --default  (URL: a directory such as /mnt/share/pipe, or s3://bucket/prefix)',
    { known },
  );
}

export type RemoteLocation = { readonly kind: 'directory'; readonly path: string } | { readonly kind: 's3'; readonly bucket: string; readonly prefix: string };

/** Where a remote URL points; relative directories are relative to the repository root. */
export function parseRemoteUrl(url: string, root: string): RemoteLocation {
  if (/^s3:\/\//i.test(url)) {
    const [bucket = '', ...rest] = url.slice(5).split('/');
    return { kind: 's3', bucket, prefix: rest.filter(Boolean).join('/') };
  }
  let path: string;
  try {
    path = /^file:\/\//i.test(url) ? fileURLToPath(url) : isAbsolute(url) ? url : resolve(root, url);
  } catch (err) {
    throw new PipeError('PATH_INVALID', `remote URL is not a usable directory: ${(err as Error).message}`, { path: '', reason: 'remote-url' }, { cause: err });
  }
  return { kind: 'directory', path };
}

/**
 * The directory a remote really is, after symlinks: never the filesystem root or a virtual
 * filesystem (/proc/self would make push write into the process, a listing there may never end).
 */
export function checkRemoteDirectory(name: string, path: string): void {
  let real: string;
  try {
    real = realpathSync(path);
  } catch {
    return; // Missing: DirectoryRemote says how to create it.
  }
  const problem = checkDirectory(real);
  if (problem) {
    const shown = real === path ? path : `${path} (really ${real})`;
    throw new PipeError('PATH_INVALID', `remote '${name}': directory ${shown} ${problem}; change it with: pipe remote modify ${name} url DIR`, { path, reason: 'remote-directory' });
  }
}

export interface OpenedRemote {
  readonly remote: Remote;
  /** Transfers at once: -j, else the remote's `jobs`, else the kind's default. */
  readonly jobs: number;
  readonly redact: Redact;
}

export async function openRemote({
  root,
  config,
  name,
  jobs,
  env = process.env,
}: {
  root: string;
  config: Pick<Config, 'remotes' | 'defaultRemote'>;
  name?: string;
  jobs?: number;
  env?: NodeJS.ProcessEnv;
}): Promise<OpenedRemote> {
  const rc = selectRemote(config, name);
  const where = parseRemoteUrl(rc.url, root);
  const creds = credentialsFor(rc, env);
  const redact = redactor([creds.value?.secretAccessKey, creds.value?.sessionToken, creds.value?.accessKeyId, rc.secretAccessKey, rc.sessionToken, env.AWS_SECRET_ACCESS_KEY, env.AWS_SESSION_TOKEN]);
  if (where.kind === 'directory') {
    checkRemoteDirectory(rc.name, where.path);
    // The records of writers go with the cache, which an experiment's worktree shares with its repository: the
    // next push from either finds a killed one's record (a worktree's own .pipe/tmp/ goes with the worktree).
    const remote = new DirectoryRemote(rc.name, where.path, { writers: join(pipeDir(root).cache, 'tmp', 'remote-writers') });
    return { remote, jobs: jobs ?? rc.jobs ?? remote.defaultJobs, redact };
  }
  const endpoint = rc.endpoint ?? (env.AWS_ENDPOINT_URL_S3 || env.AWS_ENDPOINT_URL || undefined);
  const n = jobs ?? rc.jobs ?? 16;
  const { openS3Remote } = await import('./s3.js');
  const remote = await openS3Remote({
    name: rc.name,
    bucket: where.bucket,
    prefix: where.prefix,
    endpoint,
    region: rc.region ?? (env.AWS_REGION || env.AWS_DEFAULT_REGION || 'us-east-1'),
    // Custom endpoints (MinIO and most S3-compatible stores) are addressed by path unless told otherwise.
    forcePathStyle: rc.forcePathStyle ?? endpoint !== undefined,
    credentials: creds.value,
    credentialSource: creds.source,
    maxSockets: n + 4,
    redact,
    limits: {
      ...(rc.timeout !== undefined ? { timeout: rc.timeout } : {}),
      ...(rc.connectTimeout !== undefined ? { connectTimeout: rc.connectTimeout } : {}),
      ...(rc.retries !== undefined ? { retries: rc.retries } : {}),
    },
  });
  return { remote, jobs: n, redact };
}

/** The environment's credentials win over config.local.yaml's (as for every other setting); none means unsigned requests. */
export function credentialsFor(
  rc: RemoteConfig,
  env: NodeJS.ProcessEnv,
): {
  value: { accessKeyId: string; secretAccessKey: string; sessionToken?: string } | undefined;
  source: 'environment' | '.pipe/config.local.yaml' | 'none';
} {
  if (env.AWS_ACCESS_KEY_ID && env.AWS_SECRET_ACCESS_KEY) {
    const token = env.AWS_SESSION_TOKEN || undefined;
    return { value: { accessKeyId: env.AWS_ACCESS_KEY_ID, secretAccessKey: env.AWS_SECRET_ACCESS_KEY, ...(token ? { sessionToken: token } : {}) }, source: 'environment' };
  }
  if (rc.accessKeyId && rc.secretAccessKey) {
    return {
      value: { accessKeyId: rc.accessKeyId, secretAccessKey: rc.secretAccessKey, ...(rc.sessionToken ? { sessionToken: rc.sessionToken } : {}) },
      source: '.pipe/config.local.yaml',
    };
  }
  return { value: undefined, source: 'none' };
}
