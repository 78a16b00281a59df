/** @module Checks a parsed data.lock value and turns it into a Lock, or says where it is broken. */
import type { KeyPath, Located } from '../yaml/key-path.js';
import { PipeError } from '../errors.js';
import { toRepoPath } from '../fs/repo-path.js';
import { LOCK_FILE, LOCK_SCHEMA, emptyLock, type Lock } from './lock.js';

export function lockFromValue(v: unknown, file = LOCK_FILE, locate: (p: KeyPath) => Located | undefined = () => undefined): Lock {
  const bad = (message: string, path: (string | number)[] = []) => lockInvalid(file, message, locate(path));
  // Every path pipe may write, link or delete from the lock passes the guard pipeline.yaml's paths pass.
  const checkPath = (p: unknown, what: string, at: (string | number)[]) => {
    const r = typeof p === 'string' ? toRepoPath(p) : undefined;
    if (!r?.ok || r.path !== p) throw bad(`${what} ${JSON.stringify(p)} ${r && !r.ok ? r.reason : 'is not a normalised repository path'}`, at);
  };
  if (v === undefined || v === null) return emptyLock();
  if (typeof v !== 'object' || Array.isArray(v)) throw bad('expected a mapping');
  const o = v as Record<string, unknown>;
  if (o.schema !== LOCK_SCHEMA) throw bad(`unsupported schema ${JSON.stringify(o.schema)} (this pipe reads schema ${LOCK_SCHEMA})`, ['schema']);
  const stages = o.stages ?? {};
  const data = o.data ?? {};
  if (typeof stages !== 'object' || Array.isArray(stages)) throw bad('stages must be a mapping', ['stages']);
  if (typeof data !== 'object' || Array.isArray(data)) throw bad('data must be a mapping', ['data']);
  for (const [path, d] of Object.entries(data as Record<string, unknown>)) {
    if (!isMapping(d) || typeof d.hash !== 'string') throw bad(`data entry '${path}' must be a mapping with hash and size`, ['data', path]);
  }
  for (const [name, s] of Object.entries(stages as Record<string, unknown>)) {
    if (typeof s !== 'object' || s === null) throw bad(`stage '${name}' must be a mapping`, ['stages', name]);
    const st = s as Record<string, unknown>;
    for (const field of ['deps', 'outs'] as const) {
      const list = st[field] ?? [];
      if (!Array.isArray(list) || list.some((e) => typeof e?.path !== 'string' || typeof e?.hash !== 'string')) {
        throw bad(`stage '${name}': ${field} must be a list of {path, hash, size}`, ['stages', name, field]);
      }
      (list as { path: string }[]).forEach((e, i) => checkPath(e.path, `stage '${name}': ${field} path`, ['stages', name, field, i, 'path']));
    }
    if (st.wdir !== undefined && st.wdir !== '.') checkPath(st.wdir, `stage '${name}': wdir`, ['stages', name, 'wdir']);
    const params = st.params ?? {};
    if (!isMapping(params)) throw bad(`stage '${name}': params must be a mapping of params files to their values`, ['stages', name, 'params']);
    for (const [pf, values] of Object.entries(params)) {
      checkPath(pf, `stage '${name}': params file`, ['stages', name, 'params', pf]);
      if (!isMapping(values)) throw bad(`stage '${name}': params of ${pf} must be a mapping of keys to values`, ['stages', name, 'params', pf]);
    }
  }
  for (const key of Object.keys(data as object)) checkPath(key, 'data path', ['data', key]);
  return checkedLock(o);
}

/**
 * A Lock of a value `lockFromValue` already accepted (the parsed cache remembers data.lock only
 * then): checking 400 stages' paths again cost a no-op run ~8 ms.
 */
export function checkedLock(v: unknown): Lock {
  if (v === undefined || v === null) return emptyLock();
  const o = v as Record<string, unknown>;
  const stages = o.stages ?? {};
  const data = o.data ?? {};
  return {
    schema: LOCK_SCHEMA,
    stages: Object.fromEntries(
      Object.entries(stages as Record<string, Record<string, unknown>>).map(([name, s]) => [
        name,
        // Copied only when a list is left out: spreading 400 stages cost a no-op run ~5 ms.
        (s.deps && s.outs && s.params ? s : { ...s, deps: s.deps ?? [], outs: s.outs ?? [], params: s.params ?? {} }) as unknown as Lock['stages'][string],
      ]),
    ),
    data: data as Lock['data'],
  };
}

function isMapping(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function lockInvalid(file: string, message: string, where: Located | undefined): PipeError<'LOCK_INVALID'> {
  const at = where ?? { line: 1, column: 1 };
  return new PipeError(
    'LOCK_INVALID',
    `${file}:${at.line}:${at.column}: ${message}; restore it from git (git checkout -- ${file}) or delete it to re-run every stage`,
    { file, ...at },
  );
}
