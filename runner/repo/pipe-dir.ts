/** @module Where pipe keeps its state inside a repository (.pipe/), and making it on first use. */
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { writeFileAtomic } from '../fs/write-file-atomic.js';
import { refuseLinkedPipeDirs } from './pipe-dir-links.js';

export interface PipeDir {
  readonly dir: string;
  readonly tmp: string;
  readonly cache: string;
  readonly config: string;
  readonly localConfig: string;
  /** Directory of the stat state (hash/stat-state.ts). */
  readonly state: string;
  readonly mutex: string;
  /** Experiments' temporary worktrees (exp/), one per run, named `<label>-<pid>-<hex>`. */
  readonly exps: string;
}

/** Worktree root → the cache it shares (an experiment's temporary worktree uses its repository's cache and run-cache). */
const sharedCaches = new Map<string, string>();

/**
 * Makes `root` (a temporary git worktree of another repository) use `cacheDir` as its cache, in
 * this process, until the returned function is called. The store's writes are atomic renames, so
 * several worktrees may fill one cache at once; each keeps its own mutex, stat state and tmp/.
 */
export function shareCache(root: string, cacheDir: string): () => void {
  const key = resolve(root);
  sharedCaches.set(key, cacheDir);
  return () => void sharedCaches.delete(key);
}

export function pipeDir(root: string): PipeDir {
  const dir = join(root, '.pipe');
  const tmp = join(dir, 'tmp');
  return {
    dir,
    tmp,
    cache: sharedCaches.get(resolve(root)) ?? join(dir, 'cache'),
    config: join(dir, 'config.yaml'),
    localConfig: join(dir, 'config.local.yaml'),
    state: join(tmp, 'state'),
    mutex: join(tmp, 'repro.mutex'),
    exps: join(tmp, 'exps'),
  };
}

/** A new name for an experiment's worktree under `exps`: `<label>-<pid>-<hex>`, unique, and naming the process that runs it. */
export function experimentWorktreeName(label: string): string {
  return `${label}-${process.pid}-${randomBytes(3).toString('hex')}`;
}

/** The pid in an experiment worktree's name (experimentWorktreeName); undefined for any other name. */
export function experimentWorktreePid(name: string): number | undefined {
  const pid = Number(/-(\d+)-[0-9a-f]{6}$/.exec(name)?.[1]);
  return pid > 0 ? pid : undefined;
}

const IGNORE = '# pipe state: the cache, temporary files and local credentials are never committed\n/cache/\n/tmp/\n/config.local.yaml\n';

/** Creates .pipe/ with its .gitignore (committed config stays visible to git). */
export function ensurePipeDir(root: string): PipeDir {
  refuseLinkedPipeDirs(root);
  const d = pipeDir(root);
  const ignore = join(d.dir, '.gitignore');
  if (!existsSync(ignore) || readFileSync(ignore, 'utf8') !== IGNORE) writeFileAtomic(ignore, IGNORE);
  return d;
}
