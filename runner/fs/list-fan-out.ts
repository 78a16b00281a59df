/** @module Lists the keys of a fan-out directory (`ab/cdef…`), the layout of the object store, the run-cache and remotes. */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';

/**
 * `<prefix><name>` for every `<dir>/<prefix>/<name>` where prefix is two hex digits and name
 * matches `name`: anything else (temp files, strays) is not a key. A missing `dir` holds none.
 */
export function listFanOut(dir: string, name: RegExp): string[] {
  const out: string[] = [];
  let prefixes: string[];
  try {
    prefixes = readdirSync(dir);
  } catch {
    return out;
  }
  for (const prefix of prefixes) {
    if (!/^[0-9a-f]{2}$/.test(prefix)) continue;
    for (const rest of readdirSync(join(dir, prefix))) if (name.test(rest)) out.push(prefix + rest);
  }
  return out;
}
