/** @module Puts a stored object at a workspace path by the first link type that works: reflink, hardlink, symlink, copy. */
import { chmodSync, constants, copyFileSync, linkSync, renameSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import type { LinkType } from '../config/link-types.js';

export type { LinkType };

/** "Not on this filesystem": reflink unsupported, hardlink across devices or over the link limit. */
const UNSUPPORTED = new Set(['ENOTSUP', 'EOPNOTSUPP', 'EXDEV', 'EINVAL', 'ENOSYS', 'EMLINK', 'EPERM', 'ENOTTY', 'EXDEV']);

/**
 * Links objects into the workspace with the configured types, tried in order. A type that the
 * filesystem refuses once is not tried again in this process (10,000 failed reflinks on ext4
 * would double the cost of a checkout).
 */
export class Linker {
  readonly #types: LinkType[];
  /** The types that worked, for messages and benchmarks. */
  readonly used = new Set<LinkType>();

  constructor(types: readonly LinkType[]) {
    this.#types = [...types];
  }

  /** The type the next link tries first (after the filesystem refused the ones before it). */
  get preferred(): LinkType | undefined {
    return this.#types[0];
  }

  /**
   * Drops reflink now when the filesystem refuses to clone a small temp file (ext4), so that
   * `preferred` says which link the next store will make before any object is stored.
   */
  probe(tempPath: () => string): void {
    if (this.#types[0] !== 'reflink' || this.#types.length < 2) return;
    const a = tempPath();
    const b = tempPath();
    try {
      writeFileSync(a, 'x');
      copyFileSync(a, b, constants.COPYFILE_FICLONE_FORCE);
    } catch (err) {
      if (UNSUPPORTED.has((err as NodeJS.ErrnoException).code ?? '')) this.#types.shift();
    } finally {
      rmSync(a, { force: true });
      rmSync(b, { force: true });
    }
  }

  /**
   * Makes `object` (which must not exist) hold the bytes of the workspace file `src`, sharing
   * them when the configured types allow: with hardlinks `object` becomes a second name of
   * `src` (nothing is copied, and the workspace file is the stored one); with symlinks `src`
   * then points at `object`; with reflink or copy a clone is published by rename and `src` stays
   * the workspace's own file. Throws EEXIST when the object is already there.
   */
  store(src: string, object: string, tempPath: () => string): LinkType {
    for (let i = 0; i < this.#types.length; i++) {
      const type = this.#types[i] as LinkType;
      try {
        if (type === 'hardlink' || type === 'symlink') {
          linkSync(src, object);
          if (type === 'symlink') {
            rmSync(src);
            symlinkSync(object, src);
          }
        } else copyAtomically(src, object, tempPath(), type === 'reflink' ? constants.COPYFILE_FICLONE_FORCE : 0);
        this.used.add(type);
        return type;
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code ?? '';
        if (!UNSUPPORTED.has(code) || i === this.#types.length - 1) throw err;
        if (code !== 'EMLINK') this.#types.splice(i--, 1);
      }
    }
    throw new Error(`no link type configured for ${object}`);
  }

  /**
   * Creates `dest` (which must not exist) from `object`. `exec` is the execute bit `dest` must
   * have (undefined: the object's own). A hardlink or symlink shares the object's mode, so when
   * the object's exec bit differs (same bytes stored once for an executable and a plain file)
   * that file is copied instead. `objectExec` is the object's exec bit when the caller has
   * just statted it.
   */
  link(object: string, dest: string, exec?: boolean, objectExec = (statSync(object).mode & 0o100) !== 0): LinkType {
    let last: unknown;
    const wantExec = exec ?? objectExec;
    for (let i = 0; i < this.#types.length; i++) {
      const type = this.#types[i] as LinkType;
      if ((type === 'hardlink' || type === 'symlink') && wantExec !== objectExec && i < this.#types.length - 1) continue;
      try {
        if (type === 'reflink') copyFileSync(object, dest, constants.COPYFILE_FICLONE_FORCE);
        else if (type === 'hardlink') linkSync(object, dest);
        else if (type === 'symlink') symlinkSync(object, dest);
        else copyFileSync(object, dest);
        // A reflink or copy is the workspace's own file: writable, with the manifest's exec bit.
        if (type === 'copy' || type === 'reflink') chmodSync(dest, wantExec ? 0o755 : 0o644);
        this.used.add(type);
        return type;
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code ?? '';
        if (!UNSUPPORTED.has(code) || i === this.#types.length - 1) throw err;
        last = err;
        // EMLINK is about this object, not the filesystem: keep hardlinks for the others.
        if (code !== 'EMLINK') this.#types.splice(i--, 1);
      }
    }
    throw last ?? new Error(`no link type configured for ${dest}`);
  }
}

/** Copies the bytes `src` resolves to (following a symlink) to `dest` through the temp file `tmp` and a rename. */
export function copyAtomically(src: string, dest: string, tmp: string, flags = 0): void {
  try {
    copyFileSync(src, tmp, flags);
    renameSync(tmp, dest);
  } finally {
    rmSync(tmp, { force: true });
  }
}
