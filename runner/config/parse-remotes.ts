/** @module The `remotes:` and `default_remote:` keys of .pipe/config.yaml and .pipe/config.local.yaml, validated. */
import type { SpecIssue } from '../errors.js';
import { didYouMean } from '../text/did-you-mean.js';

export interface RemoteConfig {
  readonly name: string;
  /** A directory (absolute, or relative to the repository root), `file://…`, or `s3://bucket/prefix`. */
  readonly url: string;
  readonly endpoint?: string;
  readonly region?: string;
  readonly forcePathStyle?: boolean;
  /** Transfers at once (default: 16 for S3, 64 for a directory). */
  readonly jobs?: number;
  /** S3: seconds a request may go without a byte moving before it is given up (and retried). */
  readonly timeout?: number;
  /** S3: seconds to wait for a connection. */
  readonly connectTimeout?: number;
  /** S3: how many times a failed request is tried again. */
  readonly retries?: number;
  /** Credentials come only from .pipe/config.local.yaml (git-ignored) or the environment. */
  readonly accessKeyId?: string;
  readonly secretAccessKey?: string;
  readonly sessionToken?: string;
}

export interface RemotesConfig {
  readonly remotes: ReadonlyMap<string, RemoteConfig>;
  /** `default_remote`, or PIPE_REMOTE from the environment. */
  readonly defaultRemote: string | undefined;
}

/** Keys a remote may have in the committed config, with their YAML types. */
export const REMOTE_SETTINGS = {
  url: 'string',
  endpoint: 'string',
  region: 'string',
  force_path_style: 'boolean',
  jobs: 'integer',
  timeout: 'seconds',
  connect_timeout: 'seconds',
  retries: 'retries',
} as const;
/** The most seconds `timeout` and `connect_timeout` may be: longer is a hang by another name. */
export const MAX_TIMEOUT_SECONDS = 3600;
export const MAX_RETRIES = 10;

/** Why `v` is not a valid value for a setting of this type, or undefined when it is. */
export function settingProblem(type: string, v: unknown): string | undefined {
  if (type === 'integer') return Number.isInteger(v) && (v as number) >= 1 && (v as number) <= 256 ? undefined : 'must be a whole number from 1 to 256';
  if (type === 'seconds') {
    return typeof v === 'number' && v > 0 && v <= MAX_TIMEOUT_SECONDS ? undefined : `must be a number of seconds above 0 and at most ${MAX_TIMEOUT_SECONDS}`;
  }
  if (type === 'retries') return Number.isInteger(v) && (v as number) >= 0 && (v as number) <= MAX_RETRIES ? undefined : `must be a whole number from 0 to ${MAX_RETRIES}`;
  return typeof v === type ? undefined : `must be a ${type}`;
}
/** Keys that are secrets: accepted only in config.local.yaml, never printed. */
export const CREDENTIAL_SETTINGS = ['access_key_id', 'secret_access_key', 'session_token'] as const;
export const REMOTE_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;

export function parseRemotes({
  files,
  committedFile,
  merged,
  env,
}: {
  /** Each config file's own value (for messages and for the credentials rule), by file name, in merge order. */
  files: ReadonlyMap<string, Record<string, unknown>>;
  /** The committed file's name: the one that must hold no credentials. */
  committedFile: string;
  merged: Readonly<Record<string, unknown>>;
  env: NodeJS.ProcessEnv;
}): { value: RemotesConfig; issues: SpecIssue[] } {
  const issues: SpecIssue[] = [];
  // The last file that sets a key is the one to blame for it.
  const whose = (...path: string[]): string => {
    let found = committedFile;
    for (const [name, v] of files) if (getIn(v, path) !== undefined) found = name;
    return found;
  };
  const committed = files.get(committedFile);
  const committedRemotes = committed && isRecord(committed.remotes) ? committed.remotes : {};
  for (const [name, r] of Object.entries(committedRemotes)) {
    if (!isRecord(r)) continue;
    for (const key of CREDENTIAL_SETTINGS) {
      if (r[key] !== undefined) {
        issues.push({
          file: committedFile,
          key: `remotes.${name}.${key}`,
          message: 'credentials must not be committed: put them in .pipe/config.local.yaml (git-ignored) or the environment',
        });
      }
    }
  }

  const remotes = new Map<string, RemoteConfig>();
  const raw = merged.remotes;
  if (raw !== undefined && raw !== null && !isRecord(raw)) {
    issues.push({ file: whose('remotes'), key: 'remotes', message: 'must be a mapping of remote names to {url, …}' });
  }
  for (const [name, r] of Object.entries(isRecord(raw) ? raw : {})) {
    const at = (k?: string) => (k ? `remotes.${name}.${k}` : `remotes.${name}`);
    if (!REMOTE_NAME.test(name)) {
      // A name from config.local.yaml is not echoed: a mis-nested mapping key (YAML's `? key:`) can hold its credentials.
      const file = whose('remotes', name);
      const rule = 'a remote name is letters, digits, ., _ and - (starting with a letter or digit)';
      if (file === committedFile) issues.push({ file, key: at(), message: rule });
      else issues.push({ file, key: 'remotes', message: `holds a remote name that is not valid; ${rule}` });
      continue;
    }
    if (!isRecord(r)) {
      issues.push({ file: whose('remotes', name), key: at(), message: 'must be a mapping with at least url' });
      continue;
    }
    const bad = (k: string, message: string) => issues.push({ file: whose('remotes', name, k), key: at(k), message });
    for (const [k, v] of Object.entries(r)) {
      const type = (REMOTE_SETTINGS as Record<string, string>)[k] ?? ((CREDENTIAL_SETTINGS as readonly string[]).includes(k) ? 'string' : undefined);
      const settings = [...Object.keys(REMOTE_SETTINGS), ...CREDENTIAL_SETTINGS];
      // The suggestion names one of ours, never the text typed.
      const hint = didYouMean(k, settings) || `; a remote has ${settings.join(', ')}`;
      // An unknown key from config.local.yaml is not echoed: a mis-nested `? key: value` makes the secret the key.
      if (!type && whose('remotes', name, k) !== committedFile) issues.push({ file: whose('remotes', name, k), key: at(), message: `holds an unknown setting${hint}` });
      else if (!type) bad(k, `unknown setting${hint}`);
      else {
        const problem = settingProblem(type, v);
        if (problem) bad(k, problem);
      }
    }
    if (typeof r.url !== 'string' || r.url === '') {
      if (r.url === undefined) bad('url', 'is required (a directory or s3://bucket/prefix)');
      continue;
    }
    const urlProblem = checkRemoteUrl(r.url);
    if (urlProblem) bad('url', urlProblem);
    if (typeof r.endpoint === 'string') {
      const p = checkEndpoint(r.endpoint);
      if (p) bad('endpoint', p);
    }
    const str = (k: string) => (typeof r[k] === 'string' ? (r[k] as string) : undefined);
    remotes.set(name, {
      name,
      url: r.url,
      ...(str('endpoint') ? { endpoint: str('endpoint') } : {}),
      ...(str('region') ? { region: str('region') } : {}),
      ...(typeof r.force_path_style === 'boolean' ? { forcePathStyle: r.force_path_style } : {}),
      ...(Number.isInteger(r.jobs) ? { jobs: r.jobs as number } : {}),
      ...(settingProblem('seconds', r.timeout) ? {} : { timeout: r.timeout as number }),
      ...(settingProblem('seconds', r.connect_timeout) ? {} : { connectTimeout: r.connect_timeout as number }),
      ...(settingProblem('retries', r.retries) ? {} : { retries: r.retries as number }),
      ...(str('access_key_id') ? { accessKeyId: str('access_key_id') } : {}),
      ...(str('secret_access_key') ? { secretAccessKey: str('secret_access_key') } : {}),
      ...(str('session_token') ? { sessionToken: str('session_token') } : {}),
    });
  }

  let defaultRemote: string | undefined;
  const fromEnv = env.PIPE_REMOTE;
  const rawDefault = fromEnv || merged.default_remote;
  if (rawDefault !== undefined && rawDefault !== null) {
    const file = fromEnv ? 'PIPE_REMOTE' : whose('default_remote');
    if (typeof rawDefault !== 'string') issues.push({ file, key: 'default_remote', message: 'must be the name of a remote' });
    else if (!remotes.has(rawDefault) && !issues.some((i) => i.key?.startsWith(`remotes.${rawDefault}`))) {
      // A value from config.local.yaml is never printed (it is where secrets live).
      const named = file === committedFile || fromEnv ? `remote '${rawDefault}'` : 'a remote';
      issues.push({ file, key: 'default_remote', message: `names ${named}, which is not configured (${known(remotes)})` });
    } else defaultRemote = rawDefault;
  }
  return { value: { remotes, defaultRemote }, issues };
}

/**
 * Why `url` cannot be a remote, or undefined when it can. Messages never repeat the URL's
 * user-info (`s3://KEY:SECRET@bucket`): it may hold credentials.
 */
export function checkRemoteUrl(url: string): string | undefined {
  if (url.includes('\0')) return 'contains a NUL byte';
  if (/[\r\n]/.test(url)) return 'contains a line break';
  const scheme = /^([A-Za-z][A-Za-z0-9+.-]*):\/\//.exec(url)?.[1]?.toLowerCase();
  if (scheme === undefined) return checkDirectory(url);
  if (/^[^:]+:\/\/[^/]*@/.test(url)) return 'must not contain credentials (user:password@); put them in .pipe/config.local.yaml or the environment';
  if (scheme === 'file') {
    // Only file:///absolute/path (or file://localhost/…): another host's path is not a path here.
    const host = /^file:\/\/([^/]*)/i.exec(url)?.[1] ?? '';
    if (host !== '' && host.toLowerCase() !== 'localhost') return `file:// URLs name a directory on this machine (file:///path); '${host}' is another host`;
    const path = url.slice(`file://${host}`.length);
    if (path === '') return 'file:// needs a directory path (file:///path/to/dir)';
    if (/%(?![0-9A-Fa-f]{2})/.test(path)) return "has a '%' that is not a %XX escape";
    let decoded: string;
    try {
      decoded = decodeURIComponent(path);
    } catch {
      return "has a '%' escape that is not valid UTF-8";
    }
    return checkDirectory(decoded);
  }
  if (scheme !== 's3') return `'${scheme}://' is not supported; a remote is a directory path or s3://bucket/prefix`;
  const bucket = url.slice(5).split('/')[0] ?? '';
  if (!/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(bucket)) return `'${bucket}' is not a valid bucket name (s3://bucket/prefix)`;
  if (url.slice(5).split('/').some((part, i) => i > 0 && (part === '.' || part === '..'))) return "the prefix may not contain '.' or '..' segments";
  return undefined;
}

/** `url` for a message: user-info (`KEY:SECRET@`) replaced by `***@`. */
export function urlForMessage(url: string): string {
  return url.replace(/^([A-Za-z][A-Za-z0-9+.-]*:\/\/)[^/]*@/, '$1***@');
}

/** Directories a remote must never be: the filesystem root, and the kernel's virtual filesystems (reading them can block forever). */
export const UNSAFE_REMOTE_DIRS = ['/proc', '/sys', '/dev'] as const;

/** Why a directory path cannot be a remote (lexically; symlinks are checked where the remote is opened). */
export function checkDirectory(path: string): string | undefined {
  if (path.trim() === '') return 'is empty';
  const normal = path.replace(/\/+/g, '/').replace(/(\/\.)+(\/|$)/g, '/');
  if (/^\/+(\.\.?\/*)*$/.test(normal)) return 'is the filesystem root: give a directory of its own, such as /mnt/share/pipe';
  const under = UNSAFE_REMOTE_DIRS.find((d) => normal === d || normal.startsWith(`${d}/`));
  if (under) return `is under ${under}, a virtual filesystem, not storage`;
  return undefined;
}

export function checkEndpoint(endpoint: string): string | undefined {
  try {
    const u = new URL(endpoint);
    if (u.protocol !== 'http:' && u.protocol !== 'https:') return 'must be an http:// or https:// URL';
    if (u.username || u.password) return 'must not contain credentials; use the environment or .pipe/config.local.yaml';
    return undefined;
  } catch {
    return 'must be a URL such as http://127.0.0.1:9000';
  }
}

function known(remotes: ReadonlyMap<string, unknown>): string {
  return remotes.size ? `configured: ${[...remotes.keys()].join(', ')}` : 'none is configured';
}

function getIn(v: unknown, path: readonly string[]): unknown {
  let cur = v;
  for (const k of path) {
    if (!isRecord(cur)) return undefined;
    cur = cur[k];
  }
  return cur;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
