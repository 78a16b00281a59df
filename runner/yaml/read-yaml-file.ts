/** @module Reads a YAML file's value through the parsed cache, parsing (and locating errors) only when it changed. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ParsedCache } from './parsed-cache.js';
import { statOrUndefined } from './parsed-cache.js';
import type { YamlSource } from './key-path.js';

export type YamlRead =
  | { readonly exists: false }
  /**
   * `source` is present when the file was parsed in this run (it can locate keys for messages).
   * `remember()` stores the value for the next run: call it once the value is known to be valid.
   */
  | { readonly exists: true; readonly value: unknown; readonly source?: YamlSource; readonly remember: () => void };

export async function readYamlFile({
  root,
  name,
  cache,
  fresh = false,
  secret = false,
}: {
  root: string;
  name: string;
  cache: ParsedCache;
  /** Parse even when the cache has the value (to locate an error). */
  fresh?: boolean;
  /** The file holds secrets: syntax messages never quote its text. */
  secret?: boolean;
}): Promise<YamlRead> {
  const abs = join(root, name);
  const st = statOrUndefined(abs);
  if (!st || !st.isFile()) return { exists: false };
  if (!fresh) {
    const hit = cache.get(name, st);
    if (hit) return { exists: true, value: hit.value, remember: () => {} };
  }
  const { parseYamlSource } = await import('./yaml-source.js');
  const source = parseYamlSource(name, readFileSync(abs, 'utf8'), { secret });
  const remember = () => {
    if (source.syntaxIssues.length === 0) cache.set(name, st, source.value);
  };
  return { exists: true, value: source.value, source, remember };
}
