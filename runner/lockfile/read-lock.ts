/** @module Reads data.lock, refusing files that are not a lock this version understands. */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseYamlSource } from '../config/yaml-source.js';
import { PipeError } from '../errors.js';
import { LOCK_FILE, LOCK_SCHEMA, emptyLock, type Lock } from './lock.js';

/** The lock of the repository at `root`; an absent file is an empty lock. */
export function readLock({ root }: { root: string }): Lock {
  const abs = join(root, LOCK_FILE);
  if (!existsSync(abs)) return emptyLock();
  return parseLock(readFileSync(abs, 'utf8'));
}

/** Parses lock text (from the workspace or from a git revision). */
export function parseLock(text: string, file = LOCK_FILE): Lock {
  const source = parseYamlSource(file, text);
  const bad = (message: string, path: (string | number)[] = []) => {
    const where = source.locate(path) ?? { line: 1, column: 1 };
    return new PipeError('LOCK_INVALID', `${file}:${where.line}:${where.column}: ${message}; restore it from git (git checkout -- ${file}) or delete it to re-run every stage`, {
      file,
      ...where,
    });
  };
  const first = source.syntaxIssues[0];
  if (first) throw bad(first.message);
  const v = source.value;
  if (v === undefined || v === null) return emptyLock();
  if (typeof v !== 'object' || Array.isArray(v)) throw bad('expected a mapping');
  const o = v as Record<string, unknown>;
  if (o.schema !== LOCK_SCHEMA) throw bad(`unsupported schema ${JSON.stringify(o.schema)} (this pipe reads schema ${LOCK_SCHEMA})`, ['schema']);
  const stages = o.stages ?? {};
  const data = o.data ?? {};
  if (typeof stages !== 'object' || Array.isArray(stages)) throw bad('stages must be a mapping', ['stages']);
  if (typeof data !== 'object' || Array.isArray(data)) throw bad('data must be a mapping', ['data']);
  for (const [name, s] of Object.entries(stages as Record<string, unknown>)) {
    if (typeof s !== 'object' || s === null) throw bad(`stage '${name}' must be a mapping`, ['stages', name]);
    const st = s as Record<string, unknown>;
    for (const field of ['deps', 'outs'] as const) {
      const list = st[field] ?? [];
      if (!Array.isArray(list) || list.some((e) => typeof e?.path !== 'string' || typeof e?.hash !== 'string')) {
        throw bad(`stage '${name}': ${field} must be a list of {path, hash, size}`, ['stages', name, field]);
      }
    }
  }
  return {
    schema: LOCK_SCHEMA,
    stages: Object.fromEntries(
      Object.entries(stages as Record<string, Record<string, unknown>>).map(([name, s]) => [
        name,
        { ...s, deps: s.deps ?? [], outs: s.outs ?? [], params: s.params ?? {} } as Lock['stages'][string],
      ]),
    ),
    data: data as Lock['data'],
  };
}
