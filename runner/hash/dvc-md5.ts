/**
 * @module DVC's content hashes, to check a workspace against dvc.lock: the plain md5 of a file
 * (DVC 3, `hash: md5`), the md5 of a text file with CRLF turned into LF (DVC 2, no `hash:`
 * field), and a directory's `<md5>.dir`: the md5 of its manifest as DVC serialises it.
 */
import { createHash } from 'node:crypto';
import { createReadStream, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { walkFiles } from './walk-files.js';

/** DVC 2 ("legacy") hashed text files as if their line ends were LF; DVC 3 hashes the bytes. */
export type Md5Kind = 'md5' | 'md5-dos2unix';

/** The hash DVC writes in dvc.lock for the file or directory at `abs`, or undefined when it does not exist. */
export async function dvcMd5(abs: string, kind: Md5Kind): Promise<string | undefined> {
  let st;
  try {
    st = statSync(abs);
  } catch {
    return undefined;
  }
  if (!st.isDirectory()) return fileMd5(abs, kind);
  const files = walkFiles(abs, '.').map((f) => f.rel).sort();
  const entries: string[] = [];
  for (const rel of files) entries.push(`{"md5": "${await fileMd5(join(abs, rel), kind)}", "relpath": ${pyJson(rel)}}`);
  return `${createHash('md5').update(`[${entries.join(', ')}]`).digest('hex')}.dir`;
}

async function fileMd5(abs: string, kind: Md5Kind): Promise<string> {
  if (kind === 'md5-dos2unix') {
    const bytes = readFileSync(abs);
    // DVC's istextfile: no NUL byte in the first 8000 bytes (binary files are hashed as they are).
    if (!bytes.subarray(0, 8000).includes(0)) return createHash('md5').update(bytes.toString('latin1').replace(/\r\n/g, '\n'), 'latin1').digest('hex');
    return createHash('md5').update(bytes).digest('hex');
  }
  // A stream costs more than the read for the small files datasets are often made of.
  if (statSync(abs).size <= SMALL_FILE) return createHash('md5').update(readFileSync(abs)).digest('hex');
  const hash = createHash('md5');
  for await (const chunk of createReadStream(abs)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** Files up to this size are read whole rather than streamed. */
export const SMALL_FILE = 4 << 20;

/** A string as Python's json.dumps writes it (ensure_ascii: every non-ASCII character escaped). */
function pyJson(s: string): string {
  return JSON.stringify(s).replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
