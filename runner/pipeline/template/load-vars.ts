/** @module Reads `vars:` (inline mappings, `file.yaml`, `file.yaml:key1,key2`) and the default params.yaml into a TemplateContext. */
import { posix } from 'node:path';
import { toRepoPath } from '../../fs/repo-path.js';
import type { KeyPath } from '../../yaml/key-path.js';
import { TemplateProblem } from './template-problem.js';
import { isRecord, type TemplateContext } from './template-context.js';

/** Reads a vars file (repository path): its parsed value, or why it cannot be read. */
export type VarsReader = (file: string) => Promise<{ readonly exists: false } | { readonly exists: true; readonly value: unknown; readonly problem?: string }>;

export const DEFAULT_VARS_FILE = 'params.yaml';

export interface LoadVarsOptions {
  readonly ctx: TemplateContext;
  readonly vars: unknown;
  readonly path: KeyPath;
  /** Directory the files are relative to (a stage's wdir, or the root). */
  readonly wdir: string;
  readonly read: VarsReader;
  readonly problem: (path: KeyPath, err: unknown) => void;
  /** Read params.yaml (the one in `wdir`, the file's directory) first, as DVC does for the file's top-level context. */
  readonly withDefault: boolean;
}

export async function loadVars({ ctx, vars, path, wdir, read, problem, withDefault }: LoadVarsOptions): Promise<TemplateContext> {
  let out = ctx;
  const add = (values: Record<string, unknown>, file: string | undefined, from: string, at: KeyPath) => {
    try {
      out = out.merged(values, file, from);
    } catch (err) {
      problem(at, err);
    }
  };
  if (withDefault) {
    const file = posix.join(wdir, DEFAULT_VARS_FILE);
    const d = await read(file);
    if (d.exists && d.problem) problem(path, new TemplateProblem(`${file} (read for \${} variables) cannot be read: ${d.problem}`));
    else if (d.exists && isRecord(d.value)) add(d.value, file, file, path);
  }
  if (vars === undefined || vars === null) return out;
  if (!Array.isArray(vars)) {
    problem(path, new TemplateProblem('vars must be a list of files (params.yaml, file.yaml:key1,key2) and mappings'));
    return out;
  }
  for (const [i, entry] of vars.entries()) {
    const at = [...path, i];
    if (isRecord(entry)) {
      add(entry, undefined, `vars[${i}]`, at);
      continue;
    }
    if (typeof entry !== 'string' || entry === '') {
      problem(at, new TemplateProblem('a vars entry is a file name (file.yaml, file.yaml:key1,key2) or a mapping'));
      continue;
    }
    const colon = entry.lastIndexOf(':');
    const name = colon > 0 ? entry.slice(0, colon) : entry;
    const keys = colon > 0 ? entry.slice(colon + 1).split(',').map((k) => k.trim()).filter(Boolean) : undefined;
    if (/\.(toml|py)$/i.test(name)) {
      problem(at, new TemplateProblem(`vars file '${name}': pipe reads YAML and JSON vars files, not ${posix.extname(name)}; convert it to YAML`));
      continue;
    }
    const r = toRepoPath(name, wdir);
    if (!r.ok) {
      problem(at, new TemplateProblem(`vars file '${name}' ${r.reason}`));
      continue;
    }
    const f = await read(r.path);
    if (!f.exists) {
      problem(at, new TemplateProblem(`vars file '${r.path}' does not exist`));
      continue;
    }
    if (f.problem || !isRecord(f.value)) {
      problem(at, new TemplateProblem(`vars file '${r.path}' ${f.problem ? `cannot be read: ${f.problem}` : 'must hold a mapping'}`));
      continue;
    }
    try {
      add(keys ? select(f.value, keys, r.path) : f.value, r.path, r.path, at);
    } catch (err) {
      problem(at, err);
    }
  }
  return out;
}

/** Only `keys` (dotted, nested kept nested) of a vars file. */
function select(value: Record<string, unknown>, keys: readonly string[], file: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of keys) {
    const parts = key.split('.');
    let src: unknown = value;
    for (const p of parts) {
      if (!isRecord(src) || !Object.hasOwn(src, p)) throw new TemplateProblem(`key '${key}' not found in vars file '${file}'`);
      src = src[p];
    }
    let dst = out;
    for (const p of parts.slice(0, -1)) dst = (isRecord(dst[p]) ? dst[p] : (dst[p] = {})) as Record<string, unknown>;
    dst[parts[parts.length - 1] ?? key] = src;
  }
  return out;
}
