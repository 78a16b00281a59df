/** @module Reads a JSON or YAML file (params, metrics, pipeline.yaml) at a revision: its value, absent, or why it cannot be read. */
import { readFileAt } from '../git/read-file-at-revision.js';
import type { Revision } from '../git/revision.js';

export type StructuredFile =
  | { readonly state: 'found'; readonly value: unknown }
  | { readonly state: 'absent' }
  | { readonly state: 'invalid'; readonly message: string };

export async function readStructuredFile(root: string, rev: Revision, path: string): Promise<StructuredFile> {
  const file = await readFileAt(root, rev, path);
  if (!file.found) return file.reason === 'absent' ? { state: 'absent' } : { state: 'invalid', message: 'is a directory, not a file' };
  return parseStructured(path, file.text);
}

/** JSON for `.json` files (fast), YAML otherwise and for JSON that does not parse (YAML says where it breaks). */
export async function parseStructured(path: string, text: string): Promise<StructuredFile> {
  if (path.toLowerCase().endsWith('.json')) {
    try {
      return { state: 'found', value: JSON.parse(text) as unknown };
    } catch {
      // fall through: the YAML parser reads most JSON and locates what it cannot
    }
  }
  const { parseYamlSource } = await import('../yaml/yaml-source.js');
  const source = parseYamlSource(path, text);
  const first = source.syntaxIssues[0];
  if (first && source.value === undefined) return { state: 'invalid', message: `line ${first.line ?? 1}, column ${first.column ?? 1}: ${first.message}` };
  return { state: 'found', value: source.value };
}
