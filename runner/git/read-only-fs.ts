/** @module The file system isomorphic-git reads through: synchronous node:fs calls behind its promise interface, and no writes. */
import { lstatSync, readFileSync, readdirSync, readlinkSync, statSync } from 'node:fs';

/**
 * Why not node:fs itself: every isomorphic-git call probes its fs with a bare `readFile()` (which
 * node:fs answers by building an argument error), and each of the few small reads a commit needs
 * (a loose object, the pack directory) would be a thread-pool round trip. A CLI that reads a few
 * hundred objects and then exits is faster doing them synchronously: walking 1,000 commits went
 * from ~1 s to a fraction of that. isomorphic-git also lists objects/pack for every object it
 * looks up in a pack; that listing is kept while the directory's mtime stays the same.
 */
export interface ReadOnlyFs {
  readonly promises: {
    readonly readFile: (path: string, options?: unknown) => Promise<unknown>;
    readonly readdir: (path: string) => Promise<string[]>;
    readonly stat: (path: string) => Promise<unknown>;
    readonly lstat: (path: string) => Promise<unknown>;
    readonly readlink: (path: string) => Promise<string>;
    readonly writeFile: () => Promise<never>;
    readonly mkdir: () => Promise<never>;
    readonly rmdir: () => Promise<never>;
    readonly unlink: () => Promise<never>;
    readonly symlink: () => Promise<never>;
  };
}

const PROBE = Promise.reject(new Error('no path'));
PROBE.catch(() => {});

function attempt<T>(read: () => T): Promise<T> {
  try {
    return Promise.resolve(read());
  } catch (err) {
    return Promise.reject(err);
  }
}

const packLists = new Map<string, { mtimeMs: number; names: string[] }>();

function listDirectory(path: string): string[] {
  if (!path.endsWith('/objects/pack')) return readdirSync(path);
  const { mtimeMs } = statSync(path);
  const known = packLists.get(path);
  if (known?.mtimeMs === mtimeMs) return [...known.names];
  const names = readdirSync(path);
  packLists.set(path, { mtimeMs, names });
  return [...names];
}

const refuse = () => Promise.reject(new Error('pipe only reads git repositories; nothing may write here'));

export const readOnlyFs: ReadOnlyFs = {
  promises: {
    readFile: (path, options) =>
      path === undefined ? PROBE : attempt(() => readFileSync(path, options as Parameters<typeof readFileSync>[1])),
    readdir: (path) => attempt(() => listDirectory(path)),
    stat: (path) => attempt(() => statSync(path)),
    lstat: (path) => attempt(() => lstatSync(path)),
    readlink: (path) => attempt(() => readlinkSync(path)),
    writeFile: refuse,
    mkdir: refuse,
    rmdir: refuse,
    unlink: refuse,
    symlink: refuse,
  },
};
