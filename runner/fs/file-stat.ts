/** @module What pipe compares of a file to trust a remembered hash or parse (as git's index does), and when a stat is too fresh to trust. */
import type { Stats } from 'node:fs';

/** A file modified this close to when it was read may change again within one timestamp tick. */
export const RACY_MS = 1000;

/** What the state compares of a file (a plain copy of these, or Node's Stats itself). */
export type FileStat = Pick<Stats, 'ino' | 'size' | 'mtimeMs' | 'mode'>;

/** A plain copy of what the state compares: kept instead of Stats (a dozen boxed numbers) when many are held at once. */
export function fileStat(st: Stats): FileStat {
  return { ino: st.ino, size: st.size, mtimeMs: st.mtimeMs, mode: st.mode };
}

export function isRacy(st: FileStat, readStartMs: number): boolean {
  return st.mtimeMs > readStartMs - RACY_MS;
}

export function nowMs(): number {
  return Date.now();
}
