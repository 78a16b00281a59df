/** @module Where a key of a YAML file is (line, column), for messages about values that were found wrong after loading. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Located, KeyPath } from './key-path.js';

export async function locateInFile(root: string, file: string, path: KeyPath): Promise<Located | undefined> {
  let text: string;
  try {
    text = readFileSync(join(root, file), 'utf8');
  } catch {
    return undefined;
  }
  const { parseYamlSource } = await import('./yaml-source.js');
  return parseYamlSource(file, text).locate(path);
}
