/** @module Reads params files (YAML or JSON) and looks up dotted keys in them. */
import type { ParsedCache } from '../yaml/parsed-cache.js';
import { realPathInside } from '../fs/real-path-inside.js';
import { readYamlFile, type YamlRead } from '../yaml/read-yaml-file.js';

/** The params file of a stage's wdir, read for keys listed without a file (`params: [train.lr]`). */
export const DEFAULT_PARAMS_FILE = 'params.yaml';

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

/** Loads each params file once per run, through the parsed cache. */
export class ParamsFiles {
  readonly #root: string;
  readonly #cache: ParsedCache;
  readonly #fresh: boolean;
  readonly #loaded = new Map<string, Promise<YamlRead>>();

  constructor(root: string, cache: ParsedCache, fresh: boolean) {
    this.#root = root;
    this.#cache = cache;
    this.#fresh = fresh;
  }

  load(file: string): Promise<YamlRead> {
    let p = this.#loaded.get(file);
    if (!p) {
      p = this.#read(file);
      this.#loaded.set(file, p);
    }
    return p;
  }

  /** Every file asked for so far, found or not (what a remembered pipeline depends on). */
  loadedFiles(): string[] {
    return [...this.#loaded.keys()];
  }

  async #read(file: string): Promise<YamlRead> {
    // A params file reached through a symlink out of the repository, or into .pipe/ (remote
    // credentials), is refused: the values of its declared keys go into data.lock.
    realPathInside(this.#root, file);
    const r = await readYamlFile({ root: this.#root, name: file, cache: this.#cache, fresh: this.#fresh });
    if (r.exists) r.remember();
    return r;
  }
}
