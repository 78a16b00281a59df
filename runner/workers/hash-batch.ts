/** @module Hashes a batch of files, and with `placeInto` hardlinks each into the store read-only right after hashing it: the same code on the main thread and on the workers. */
import { fchmodSync, fstatSync, linkSync, mkdirSync } from 'node:fs';
import { hashFileSync } from './hash-file-sync.js';

export interface FileToHash {
  readonly abs: string;
  readonly size: number;
  /** The file's exec bit, for placeInto. */
  readonly exec?: boolean;
  /** For placeInto: do not link it (a symlink: link(2) would link the symlink, not its target); placed as 'ESYMLINK'. */
  readonly noLink?: boolean;
}

export interface HashBatch {
  readonly files: readonly FileToHash[];
  /**
   * A store's `files/sha256` directory: right after hashing a file, the thread that hashed it
   * hardlinks it there as `<hex[0:2]>/<hex[2:]>` and makes it read-only (0o555 with exec, else
   * 0o444), so that `pipe add` links while it hashes instead of after.
   */
  readonly placeInto?: string;
}

export interface HashedBatch {
  /** Hex digests, in the order of `files`. */
  readonly hashes: string[];
  /** With placeInto, per file: 'ok', an errno code ('EEXIST': already stored), 'ESYMLINK' or 'chmod:<code>' (linked, still writable). */
  readonly placed?: string[];
  /**
   * With placeInto, per file: its ctime once linked and read-only ('ok'; NaN otherwise), taken
   * through the open descriptor. Linking and chmod move only the ctime, so the stat state can be
   * brought up to date without walking the directory again (HashPath.refreshStats).
   */
  readonly ctimes?: number[];
}

/** Throws the first file's error (a file that vanished, an unreadable one): the whole batch fails. */
export function hashBatch({ files, placeInto }: HashBatch): HashedBatch {
  if (placeInto === undefined) return { hashes: files.map((f) => hashFileSync(f.abs, f.size)) };
  const placed: string[] = [];
  const ctimes: number[] = [];
  const hashes = files.map((f) =>
    hashFileSync(f.abs, f.size, (fd, hex) => {
      const result = f.noLink ? 'ESYMLINK' : placeFile(f.abs, fd, hex, placeInto, f.exec);
      placed.push(result);
      ctimes.push(result === 'ok' ? fstatSync(fd).ctimeMs : NaN);
    }),
  );
  return { hashes, placed, ctimes };
}

/**
 * `fd` is the file still open from hashing: the link shares its inode, so fchmod through it makes
 * the stored object read-only without a path lookup.
 */
function placeFile(src: string, fd: number, hex: string, dir: string, exec: boolean | undefined): string {
  const sub = `${dir}/${hex.slice(0, 2)}`;
  const dest = `${sub}/${hex.slice(2)}`;
  try {
    try {
      linkSync(src, dest);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
      mkdirSync(sub, { recursive: true });
      linkSync(src, dest);
    }
  } catch (err) {
    return (err as NodeJS.ErrnoException).code ?? 'EUNKNOWN';
  }
  try {
    fchmodSync(fd, exec ? 0o555 : 0o444);
  } catch (err) {
    return `chmod:${(err as NodeJS.ErrnoException).code ?? ''}`;
  }
  return 'ok';
}
