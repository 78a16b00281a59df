/** @module Reads .pipe/config.yaml (committed) and .pipe/config.local.yaml (ignored), with environment overrides. */
import { PipeError, formatIssues, type SpecIssue } from '../errors.js';
import { DEFAULT_LINK_TYPES, type LinkType } from './link-types.js';
import { ParsedCache } from '../yaml/parsed-cache.js';
import { parseRemotes, type RemoteConfig } from './parse-remotes.js';
import { readYamlFile } from '../yaml/read-yaml-file.js';

export const CONFIG_FILE = '.pipe/config.yaml';
export const LOCAL_CONFIG_FILE = '.pipe/config.local.yaml';
const LINK_TYPES: readonly LinkType[] = ['reflink', 'hardlink', 'symlink', 'copy'];

export interface Config {
  readonly cache: {
    /** Link types tried in order when placing cached files in the workspace. */
    readonly type: readonly LinkType[];
  };
  /** Remotes by name (credentials only from the local file; the environment's are added where they are used). */
  readonly remotes: ReadonlyMap<string, RemoteConfig>;
  /** `default_remote` (or PIPE_REMOTE); undefined when not set. */
  readonly defaultRemote: string | undefined;
  /** The merged raw values, for sections other modules read. */
  readonly raw: Readonly<Record<string, unknown>>;
}

/**
 * Local values override committed ones key by key; `PIPE_CACHE_TYPE` (comma-separated)
 * overrides both.
 */
export async function loadConfig({
  root,
  env = process.env,
  cache = new ParsedCache(undefined),
}: {
  root: string;
  env?: NodeJS.ProcessEnv;
  /** The parsed-file cache, so an unchanged config does not load the YAML parser. */
  cache?: ParsedCache;
}): Promise<Config> {
  const issues: SpecIssue[] = [];
  let merged: Record<string, unknown> = {};
  const files = new Map<string, Record<string, unknown>>();
  for (const name of [CONFIG_FILE, LOCAL_CONFIG_FILE]) {
    const read = await readYamlFile({ root, name, cache, secret: name === LOCAL_CONFIG_FILE });
    if (!read.exists) continue;
    issues.push(...(read.source?.syntaxIssues ?? []));
    if (!read.source?.syntaxIssues.length) read.remember();
    if (read.value === null || read.value === undefined) continue;
    if (!isRecord(read.value)) {
      issues.push({ file: name, line: 1, column: 1, message: 'must be a mapping' });
      continue;
    }
    files.set(name, read.value);
    merged = mergeDeep(merged, read.value);
  }
  const rawCache = isRecord(merged.cache) ? merged.cache : {};
  let type: readonly LinkType[] = DEFAULT_LINK_TYPES;
  const fromEnv = env.PIPE_CACHE_TYPE;
  const rawType = fromEnv ? fromEnv.split(',').map((s) => s.trim()) : rawCache.type;
  if (rawType !== undefined) {
    const list = Array.isArray(rawType) ? rawType : [rawType];
    const bad = list.filter((t) => !LINK_TYPES.includes(t as LinkType));
    if (bad.length || list.length === 0) {
      const local = !fromEnv && isRecord(files.get(LOCAL_CONFIG_FILE)?.cache) && (files.get(LOCAL_CONFIG_FILE)?.cache as Record<string, unknown>).type !== undefined;
      issues.push({
        file: fromEnv ? 'PIPE_CACHE_TYPE' : local ? LOCAL_CONFIG_FILE : CONFIG_FILE,
        key: 'cache.type',
        // Values of config.local.yaml are never printed: it is where secrets live.
        message: `must be one or more of ${LINK_TYPES.join(', ')}${local ? '' : `; got ${JSON.stringify(rawType)}`}`,
      });
    } else {
      type = list as LinkType[];
    }
  }
  const remotes = parseRemotes({ files, committedFile: CONFIG_FILE, merged, env });
  issues.push(...remotes.issues);
  if (issues.length) {
    throw new PipeError('SPEC_INVALID', `problem in the configuration:\n${formatIssues(issues)}`, { issues });
  }
  return { cache: { type }, remotes: remotes.value.remotes, defaultRemote: remotes.value.defaultRemote, raw: merged };
}

function mergeDeep(a: Record<string, unknown>, b: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...a };
  for (const [k, v] of Object.entries(b)) {
    const prev = out[k];
    out[k] = isRecord(prev) && isRecord(v) ? mergeDeep(prev, v) : v;
  }
  return out;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
