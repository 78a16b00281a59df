/** @module Turns linked (read-only, shared with the store) workspace files into writable copies of their own. */
import { chmodSync, constants, copyFileSync, lstatSync, readdirSync, renameSync, statSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Replaces every linked file under `abs` by a writable copy; returns how many it replaced. The
 * read-only bit does not stop root (CI, containers), so a file shared with the store must never
 * be opened for writing: it is replaced, whoever runs pipe. The copy is a clone where the
 * filesystem can (btrfs, XFS, APFS): no bytes copied until the stage writes.
 */
export function unprotect(abs: string): number {
  let n = 0;
  for (const file of filesUnder(abs)) {
    const st = lstatSync(file);
    const linked = st.isSymbolicLink() || st.nlink > 1 || (st.mode & 0o200) === 0;
    if (!linked) continue;
    const exec = (statSync(file).mode & 0o100) !== 0;
    const tmp = `${file}.pipe-unprotect-${process.pid}`;
    copyFileSync(file, tmp, constants.COPYFILE_FICLONE);
    chmodSync(tmp, exec ? 0o755 : 0o644);
    renameSync(tmp, file);
    n++;
  }
  return n;
}

function filesUnder(abs: string): string[] {
  let st;
  try {
    st = lstatSync(abs);
  } catch {
    return [];
  }
  if (!st.isDirectory()) return [abs];
  const out: string[] = [];
  for (const e of readdirSync(abs, { withFileTypes: true })) {
    const p = join(abs, e.name);
    if (e.isDirectory()) out.push(...filesUnder(p));
    else out.push(p);
  }
  return out;
}
