/** @module Key paths into parsed YAML (`stages.train.outs[1]`), without loading the YAML parser. */
import type { SpecIssue } from '../errors.js';

export type KeyPath = readonly (string | number)[];

/** Renders `['stages', 'train', 'outs', 1]` as `stages.train.outs[1]`. */
export function formatKeyPath(path: KeyPath): string {
  let out = '';
  for (const part of path) out += typeof part === 'number' ? `[${part}]` : out ? `.${part}` : part;
  return out;
}

export interface Located {
  readonly line: number;
  readonly column: number;
}

/** What a parsed YAML file offers besides its value; see yaml-source.ts. */
export interface YamlSource {
  readonly file: string;
  readonly value: unknown;
  /** YAML syntax problems (duplicate keys among them), already located. */
  readonly syntaxIssues: readonly SpecIssue[];
  /** Line and column of the node at `path` (of its key when `key` is set), or of the nearest ancestor. */
  locate(path: KeyPath, key?: string): Located | undefined;
}
