/** @module Reads params files (YAML or JSON) and looks up dotted keys in them. */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { readYamlSource, type YamlSource } from './yaml-source.js';

const MISSING = Symbol('missing');

/** Value of a dotted key (`train.lr`); a section key returns the whole section. */
export function lookupParam(tree: unknown, key: string): unknown {
  if (isRecord(tree) && Object.hasOwn(tree, key)) return tree[key];
  let node: unknown = tree;
  for (const part of key.split('.')) {
    if (Array.isArray(node) && /^\d+$/.test(part)) node = node[Number(part)];
    else if (isRecord(node) && Object.hasOwn(node, part)) node = node[part];
    else return MISSING;
  }
  return node;
}

export function isMissing(v: unknown): v is typeof MISSING {
  return v === MISSING;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Loads each params file once; `undefined` for a file that does not exist. */
export class ParamsFiles {
  readonly #root: string;
  readonly #loaded = new Map<string, Promise<YamlSource | undefined>>();

  constructor(root: string) {
    this.#root = root;
  }

  load(file: string): Promise<YamlSource | undefined> {
    let p = this.#loaded.get(file);
    if (!p) {
      const abs = join(this.#root, file);
      p = existsSync(abs) ? readYamlSource(abs, file) : Promise.resolve(undefined);
      this.#loaded.set(file, p);
    }
    return p;
  }
}
