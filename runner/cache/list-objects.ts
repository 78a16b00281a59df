/** @module Lists every object in a store (or a directory remote with the same layout). */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';

/** `sha256:<hex>[.dir]` of every object under `<root>/files/sha256/`. */
export function listObjects(root: string): string[] {
  const base = join(root, 'files', 'sha256');
  const out: string[] = [];
  let prefixes: string[];
  try {
    prefixes = readdirSync(base);
  } catch {
    return out;
  }
  for (const prefix of prefixes) {
    if (!/^[0-9a-f]{2}$/.test(prefix)) continue;
    for (const name of readdirSync(join(base, prefix))) {
      const m = /^([0-9a-f]{62})(\.dir)?$/.exec(name);
      if (m) out.push(`sha256:${prefix}${m[1]}${m[2] ?? ''}`);
    }
  }
  return out;
}
