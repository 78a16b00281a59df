/** @module What pipe compares of a file to trust a remembered hash or parse (as git's index does), and when a stat is too fresh to trust. */
import type { Stats } from 'node:fs';

/** A file modified this close to when it was read may change again within one timestamp tick. */
export const RACY_MS = 1000;

/**
 * What the state compares of a file (a plain copy of these, or Node's Stats itself). ctime as
 * git does: an edit of the same size whose mtime was put back (`cp -p`, `touch -d`, rsync -t)
 * still moves it, and nothing but the kernel can set it.
 */
export type FileStat = Pick<Stats, 'ino' | 'size' | 'mtimeMs' | 'ctimeMs' | 'mode'>;

/** A plain copy of what the state compares: kept instead of Stats (a dozen boxed numbers) when many are held at once. */
export function fileStat(st: Stats): FileStat {
  return { ino: st.ino, size: st.size, mtimeMs: st.mtimeMs, ctimeMs: st.ctimeMs, mode: st.mode };
}

/** The key a remembered hash or parse of one file is trusted under. */
export function statKey(st: FileStat): string {
  return `${st.ino}:${st.size}:${st.mtimeMs}:${st.ctimeMs}`;
}

/** Same file, same bytes as far as the content goes: all but ctime equal (pipe's own link or chmod changed only that). */
export function sameButCtime(a: FileStat, b: FileStat): boolean {
  return a.ino === b.ino && a.size === b.size && a.mtimeMs === b.mtimeMs;
}

export function isRacy(st: FileStat, readStartMs: number): boolean {
  return st.mtimeMs > readStartMs - RACY_MS;
}

export function nowMs(): number {
  return Date.now();
}
