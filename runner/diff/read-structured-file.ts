/** @module Reads a JSON or YAML file (params, metrics, a pipeline file) at a revision: its value, absent, or why it cannot be read. */
import { readFileAt } from '../git/read-file-at-revision.js';
import type { Revision } from '../git/revision.js';
import { parseStructured, type StructuredFile } from '../yaml/parse-structured.js';

export type { StructuredFile };

export async function readStructuredFile(root: string, rev: Revision, path: string): Promise<StructuredFile> {
  const file = await readFileAt(root, rev, path);
  if (!file.found) return file.reason === 'absent' ? { state: 'absent' } : { state: 'invalid', message: 'is a directory, not a file' };
  return parseStructured(path, file.text);
}
