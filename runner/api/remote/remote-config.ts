/** @module `pipe remote add|list|modify|remove|default`: the remotes section of .pipe/config.yaml (credentials: config.local.yaml). */
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { CONFIG_FILE, LOCAL_CONFIG_FILE, loadConfig } from '../../config/load-config.js';
import { CREDENTIAL_SETTINGS, REMOTE_NAME, REMOTE_SETTINGS, checkEndpoint, checkRemoteUrl, settingProblem, urlForMessage, type RemoteConfig } from '../../config/parse-remotes.js';
import { PipeError } from '../../errors.js';
import { editConfigFile, readConfigValue } from '../../config/edit-config.js';
import { credentialsFor, parseRemoteUrl } from '../../remote/open-remote.js';
import { acquireMutex } from '../../repo/mutex.js';
import { ensurePipeDir, pipeDir } from '../../repo/pipe-dir.js';
import { didYouMean } from '../../text/did-you-mean.js';

/** A remote as `pipe remote list` shows it: its settings, never its credentials. */
export interface RemoteListing extends Omit<RemoteConfig, 'accessKeyId' | 'secretAccessKey' | 'sessionToken'> {
  readonly isDefault: boolean;
  /** Where an S3 remote's credentials come from (never their values). */
  readonly credentials?: 'environment' | '.pipe/config.local.yaml' | 'none';
}

export async function listRemotes({ root, env = process.env }: { root: string; env?: NodeJS.ProcessEnv }): Promise<RemoteListing[]> {
  const config = await loadConfig({ root, env });
  const implicit = config.remotes.size === 1 ? [...config.remotes.keys()][0] : undefined;
  return [...config.remotes.values()].map((r) => ({
    name: r.name,
    url: r.url,
    isDefault: r.name === (config.defaultRemote ?? implicit),
    ...(r.endpoint ? { endpoint: r.endpoint } : {}),
    ...(r.region ? { region: r.region } : {}),
    ...(r.forcePathStyle !== undefined ? { forcePathStyle: r.forcePathStyle } : {}),
    ...(r.jobs ? { jobs: r.jobs } : {}),
    ...(r.timeout !== undefined ? { timeout: r.timeout } : {}),
    ...(r.connectTimeout !== undefined ? { connectTimeout: r.connectTimeout } : {}),
    ...(r.retries !== undefined ? { retries: r.retries } : {}),
    ...(/^s3:\/\//i.test(r.url) ? { credentials: credentialsFor(r, env).source } : {}),
  }));
}

/**
 * Runs a read-modify-write of the config files alone: concurrent `pipe remote add`s each see the
 * others' remotes. A mutex of its own (the repository mutex's mechanism, another file), so a long
 * `pipe repro` does not block editing the remotes.
 */
async function editingConfig<T>(root: string, command: string, fn: () => Promise<T>): Promise<T> {
  const mutex = await acquireMutex({ file: `${pipeDir(root).tmp}/config.mutex`, command, waitSeconds: 60 });
  try {
    return await fn();
  } finally {
    mutex.release();
  }
}

const usage = (message: string, flag?: string) => new PipeError('USAGE', message, { command: 'remote', ...(flag ? { flag } : {}) });

function checkName(name: string): void {
  if (!REMOTE_NAME.test(name)) throw usage(`'${name}' is not a valid remote name: use letters, digits, '.', '_' and '-', starting with a letter or digit`);
}

/** Both files' raw values, unvalidated, so a broken setting can still be fixed or removed. */
async function rawFiles(root: string): Promise<{ name: string; abs: string; value: Record<string, unknown> | undefined }[]> {
  return Promise.all(
    [CONFIG_FILE, LOCAL_CONFIG_FILE].map(async (name) => {
      const abs = join(root, name);
      return { name, abs, value: await readConfigValue(abs, name) };
    }),
  );
}

function remotesOf(value: Record<string, unknown> | undefined): Record<string, unknown> {
  const r = value?.remotes;
  return typeof r === 'object' && r !== null && !Array.isArray(r) ? (r as Record<string, unknown>) : {};
}

export interface AddRemoteOptions {
  readonly root: string;
  readonly name: string;
  readonly url: string;
  readonly endpoint?: string;
  readonly region?: string;
  readonly forcePathStyle?: boolean;
  readonly makeDefault?: boolean;
  /** Write to config.local.yaml (this clone only) instead of the committed config. */
  readonly local?: boolean;
  /** Create a directory remote's directory when it does not exist. */
  readonly create?: boolean;
}

export interface AddRemoteResult {
  readonly file: string;
  /** A directory remote: where it is, and whether it was missing (a push would fail) or created. */
  readonly directory?: { readonly path: string; readonly state: 'exists' | 'missing' | 'created' };
}

export async function addRemote(o: AddRemoteOptions): Promise<AddRemoteResult> {
  checkName(o.name);
  const bad = checkRemoteUrl(o.url);
  if (bad) throw usage(`cannot add remote '${o.name}': URL ${urlForMessage(o.url)}: ${bad}`);
  const s3 = /^s3:\/\//i.test(o.url);
  if (!s3 && (o.endpoint || o.region || o.forcePathStyle)) throw usage('--endpoint, --region and --force-path-style apply to s3:// remotes only', '--endpoint');
  if (o.endpoint) {
    const p = checkEndpoint(o.endpoint);
    if (p) throw usage(`--endpoint ${p}`, '--endpoint');
  }
  if (s3 && o.create) throw usage('--create applies to directory remotes only (an S3 bucket is created with your provider\'s tools)', '--create');
  ensurePipeDir(o.root);
  const { file } = await editingConfig(o.root, 'pipe remote add', () => addRemoteLocked(o));
  if (s3) return { file };
  return { file, directory: ensureRemoteDirectory(o) };
}

/** Says whether a directory remote exists (the first push fails on a missing one), creating it with `create`. */
function ensureRemoteDirectory(o: AddRemoteOptions): NonNullable<AddRemoteResult['directory']> {
  const location = parseRemoteUrl(o.url, o.root);
  if (location.kind !== 'directory') throw new Error('unreachable: not a directory remote');
  const { path } = location;
  if (existsSync(path)) return { path, state: 'exists' };
  if (!o.create) return { path, state: 'missing' };
  try {
    mkdirSync(path, { recursive: true });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? 'failed';
    throw new PipeError('REMOTE_FAILED', `remote '${o.name}' was added, but its directory ${path} could not be created (${code}); create it yourself (mkdir -p ${path})`, { remote: o.name, reason: 'failed' }, { cause: err });
  }
  return { path, state: 'created' };
}

async function addRemoteLocked(o: AddRemoteOptions): Promise<{ file: string }> {
  const files = await rawFiles(o.root);
  const existing = files.find((f) => remotesOf(f.value)[o.name] !== undefined);
  if (existing) {
    throw usage(`remote '${o.name}' already exists (in ${existing.name}); change it with 'pipe remote modify ${o.name} KEY VALUE', or remove it first`);
  }
  const target = (o.local ? files[1] : files[0]) as (typeof files)[number];
  await editConfigFile(target.abs, target.name, (doc) => {
    const entry: Record<string, unknown> = { url: o.url };
    if (o.endpoint) entry.endpoint = o.endpoint;
    if (o.region) entry.region = o.region;
    if (o.forcePathStyle) entry.force_path_style = true;
    doc.setIn(['remotes', o.name], doc.createNode(entry));
    if (o.makeDefault) doc.set('default_remote', o.name);
  }, { secret: Boolean(o.local) });
  return { file: target.name };
}

export type RemoteSetting = keyof typeof REMOTE_SETTINGS | (typeof CREDENTIAL_SETTINGS)[number];

export function isCredential(key: string): boolean {
  return (CREDENTIAL_SETTINGS as readonly string[]).includes(key);
}

/**
 * Sets (or with `unset`, removes) one setting. Credentials always go to config.local.yaml, which
 * git ignores; other settings to the file that defines the remote (config.local.yaml with `local`).
 */
export async function modifyRemote(o: { root: string; name: string; key: string; value?: string; unset?: boolean; local?: boolean }): Promise<{ file: string }> {
  const known = [...Object.keys(REMOTE_SETTINGS), ...CREDENTIAL_SETTINGS];
  if (!known.includes(o.key)) throw usage(`unknown remote setting '${o.key}'${didYouMean(o.key, known) || `; one of: ${known.join(', ')}`}`);
  if (!o.unset && o.value === undefined) throw usage(`pipe remote modify ${o.name} ${o.key} needs a VALUE (or --unset)`);
  if (o.unset && o.key === 'url') throw usage("a remote's url cannot be unset; remove the remote instead");
  return editingConfig(o.root, 'pipe remote modify', async () => {
    const files = await rawFiles(o.root);
    const definedIn = files.filter((f) => remotesOf(f.value)[o.name] !== undefined);
    if (definedIn.length === 0) throw missingRemote(o.name, files);
    ensurePipeDir(o.root);
    if (o.unset) {
      // Unset means gone, from whichever files set it.
      const holders = files.filter((f) => (remotesOf(f.value)[o.name] as Record<string, unknown> | undefined)?.[o.key] !== undefined);
      for (const f of holders) await editConfigFile(f.abs, f.name, (doc) => doc.deleteIn(['remotes', o.name, o.key]), { secret: f.name === LOCAL_CONFIG_FILE });
      return { file: holders.map((f) => f.name).join(' and ') || 'nowhere: it was not set' };
    }
    const value = parseSetting(o.key, o.value as string);
    // Credentials only ever go to the git-ignored file.
    const target = (isCredential(o.key) || o.local ? files[1] : (definedIn.find((f) => f.name === CONFIG_FILE) ?? definedIn[0])) as (typeof files)[number];
    await editConfigFile(target.abs, target.name, (doc) => doc.setIn(['remotes', o.name, o.key], value), { secret: target.name === LOCAL_CONFIG_FILE });
    return { file: target.name };
  });
}

function parseSetting(key: string, raw: string): unknown {
  if (key === 'url') {
    const bad = checkRemoteUrl(raw);
    if (bad) throw usage(`url ${urlForMessage(raw)}: ${bad}`);
    return raw;
  }
  if (key === 'endpoint') {
    const bad = checkEndpoint(raw);
    if (bad) throw usage(`endpoint ${bad}`);
    return raw;
  }
  if (key === 'force_path_style') {
    if (raw !== 'true' && raw !== 'false') throw usage(`force_path_style is true or false, not '${raw}'`);
    return raw === 'true';
  }
  const type = (REMOTE_SETTINGS as Record<string, string>)[key];
  if (type === 'integer' || type === 'seconds' || type === 'retries') {
    const n = raw.trim() === '' ? NaN : Number(raw);
    const problem = settingProblem(type, n);
    if (problem) throw usage(`${key} ${problem}, not '${raw}'`);
    return n;
  }
  return raw;
}

export async function removeRemote({ root, name }: { root: string; name: string }): Promise<{ files: string[]; wasDefault: boolean }> {
  return editingConfig(root, 'pipe remote remove', async () => {
    const files = await rawFiles(root);
    const definedIn = files.filter((f) => remotesOf(f.value)[name] !== undefined);
    if (definedIn.length === 0) throw missingRemote(name, files);
    let wasDefault = false;
    for (const f of files) {
      const isDefault = f.value?.default_remote === name;
      wasDefault ||= isDefault;
      if (!definedIn.includes(f) && !isDefault) continue;
      await editConfigFile(
        f.abs,
        f.name,
        (doc) => {
          doc.deleteIn(['remotes', name]);
          if (isDefault) doc.delete('default_remote');
        },
        { secret: f.name === LOCAL_CONFIG_FILE },
      );
    }
    return { files: definedIn.map((f) => f.name), wasDefault };
  });
}

/** Sets the default remote (or with `unset`, clears it); without a name, returns the current one. */
export async function defaultRemote(o: { root: string; name?: string; unset?: boolean; local?: boolean }): Promise<{ name: string | undefined; file?: string }> {
  if (o.name === undefined && !o.unset) {
    const config = await loadConfig({ root: o.root });
    return { name: config.defaultRemote };
  }
  return editingConfig(o.root, 'pipe remote default', async () => {
    const files = await rawFiles(o.root);
    if (o.unset) {
      for (const f of files) if (f.value?.default_remote !== undefined) await editConfigFile(f.abs, f.name, (doc) => doc.delete('default_remote'), { secret: f.name === LOCAL_CONFIG_FILE });
      return { name: undefined };
    }
    const name = o.name as string;
    if (!files.some((f) => remotesOf(f.value)[name] !== undefined)) throw missingRemote(name, files);
    const target = (o.local ? files[1] : files[0]) as (typeof files)[number];
    await editConfigFile(target.abs, target.name, (doc) => doc.set('default_remote', name), { secret: target.name === LOCAL_CONFIG_FILE });
    // A local default_remote would override the committed one: keep only the one just set.
    const other = (o.local ? files[0] : files[1]) as (typeof files)[number];
    if (!o.local && other.value?.default_remote !== undefined) {
      await editConfigFile(other.abs, other.name, (doc) => doc.delete('default_remote'), { secret: true });
    }
    return { name, file: target.name };
  });
}

function missingRemote(name: string, files: { value: Record<string, unknown> | undefined }[]): PipeError {
  const known = [...new Set(files.flatMap((f) => Object.keys(remotesOf(f.value))))];
  return new PipeError(
    'REMOTE_MISSING',
    `there is no remote named '${name}' (${known.length ? `configured: ${known.join(', ')}` : 'none is configured'}); add it with: pipe remote add ${name} URL`,
    { name, known },
  );
}
