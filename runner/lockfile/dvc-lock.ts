/** @module dvc.lock (DVC's schema '2.0'): what DVC recorded for each stage, paths made repository paths. */
import { posix } from 'node:path';
import { toRepoPath } from '../fs/repo-path.js';
import type { RepoPath } from '../pipeline/pipeline.js';
import { ParsedCache } from '../yaml/parsed-cache.js';
import { readYamlFile } from '../yaml/read-yaml-file.js';
import type { Md5Kind } from '../hash/dvc-md5.js';
import { lockInvalid } from './lock-from-value.js';

export const DVC_LOCK_FILE = 'dvc.lock';

export interface DvcLockedPath {
  readonly path: RepoPath;
  /** `<hex>` for a file, `<hex>.dir` for a directory. */
  readonly md5: string;
  /** `md5` (DVC 3) or `md5-dos2unix` (DVC 2 wrote no `hash:` field). */
  readonly kind: Md5Kind;
}

export interface DvcStageLock {
  readonly cmd: string | readonly string[];
  readonly deps: readonly DvcLockedPath[];
  readonly outs: readonly DvcLockedPath[];
  /** params file (repository path) → key → value. */
  readonly params: Readonly<Record<RepoPath, Readonly<Record<string, unknown>>>>;
}

/**
 * dvc.lock's stages (by the name dvc.lock gives them), or none when there is no dvc.lock. `file`:
 * which one (`sub/dvc.lock` beside `sub/dvc.yaml`; the root's by default). `wdirOf` gives each
 * stage's wdir, a repository path (dvc.lock writes paths relative to it). A file DVC did not
 * write this way is an error naming its line.
 */
export async function readDvcLock({
  root,
  file = DVC_LOCK_FILE,
  cache = new ParsedCache(undefined),
  wdirOf,
}: {
  root: string;
  file?: RepoPath;
  cache?: ParsedCache;
  wdirOf: (stage: string) => RepoPath | undefined;
}): Promise<Map<string, DvcStageLock>> {
  const read = await readYamlFile({ root, name: file, cache });
  const out = new Map<string, DvcStageLock>();
  if (!read.exists) return out;
  const first = read.source?.syntaxIssues[0];
  if (first) throw lockInvalid(file, first.message, first.line ? { line: first.line, column: first.column ?? 1 } : undefined);
  const bad = (message: string, path: (string | number)[]) => {
    // Without positions (a remembered value) the message still names the key.
    throw lockInvalid(file, message, read.source?.locate(path));
  };
  const v = read.value;
  if (v === undefined || v === null) return out;
  if (!isRecord(v)) return bad('expected a mapping', []);
  if (v.schema !== '2.0') bad(`unsupported schema ${JSON.stringify(v.schema)}: pipe reads dvc.lock as DVC 2 and 3 write it (schema '2.0'); run 'dvc repro' with DVC 2 or later once, or delete dvc.lock to re-run every stage`, ['schema']);
  const stages = isRecord(v.stages) ? v.stages : {};
  for (const [name, s] of Object.entries(stages)) {
    if (!isRecord(s)) bad(`stage '${name}' must be a mapping`, ['stages', name]);
    const st = s as Record<string, unknown>;
    const wdir = wdirOf(name) ?? posix.dirname(file);
    const paths = (field: 'deps' | 'outs'): DvcLockedPath[] => {
      const list = st[field] ?? [];
      if (!Array.isArray(list)) return bad(`stage '${name}': ${field} must be a list`, ['stages', name, field]);
      return list.map((e: unknown, i) => {
        if (!isRecord(e) || typeof e.path !== 'string' || typeof e.md5 !== 'string') {
          return bad(`stage '${name}': ${field}[${i}] needs a path and an md5 (other hashes, such as etag of a cloud path, are not supported)`, ['stages', name, field, i]);
        }
        const r = toRepoPath(e.path, wdir);
        if (!r.ok) return bad(`stage '${name}': path '${e.path}' ${r.reason}`, ['stages', name, field, i, 'path']);
        return { path: r.path, md5: e.md5, kind: e.hash === 'md5' ? 'md5' : 'md5-dos2unix' };
      });
    };
    const params: Record<string, Record<string, unknown>> = {};
    for (const [file, values] of Object.entries(isRecord(st.params) ? st.params : {})) {
      const r = toRepoPath(file, wdir);
      if (!r.ok || !isRecord(values)) return bad(`stage '${name}': params of '${file}' must be a mapping of keys to values in a repository file`, ['stages', name, 'params', file]);
      params[r.path] = values;
    }
    const cmd = typeof st.cmd === 'string' || Array.isArray(st.cmd) ? (st.cmd as string | string[]) : '';
    out.set(name, { cmd, deps: paths('deps'), outs: paths('outs'), params });
  }
  read.remember();
  return out;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
