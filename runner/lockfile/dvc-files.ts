/**
 * @module `.dvc` files (`dvc add`'s record of tracked data, DVC 2 and 3): found in the workspace
 * of a DVC project and read as data tracked with `pipe add`. What pipe cannot honour (import
 * stages with `deps:`, `frozen`, outs outside the repository, uncached or unpushed outs, hashes
 * other than md5) is an issue at its file:line:col, never skipped.
 */
import { existsSync } from 'node:fs';
import { join, posix } from 'node:path';
import { PipeError, formatIssues, isPipeError, type SpecIssue } from '../errors.js';
import { WorkspaceGuard } from '../fs/workspace-guard.js';
import { isWithin, toRepoPath, type RepoPath } from '../fs/repo-path.js';
import type { Md5Kind } from '../hash/dvc-md5.js';
import { ParsedCache } from '../yaml/parsed-cache.js';
import { readYamlFile } from '../yaml/read-yaml-file.js';
import { dvcWorkspaceFiles } from '../pipeline/find-dvc-yaml.js';
import { formatKeyPath, type KeyPath, type YamlSource } from '../yaml/key-path.js';

export interface DvcTracked {
  /** The `.dvc` file, repository path. */
  readonly file: RepoPath;
  readonly path: RepoPath;
  /** `<hex>` for a file, `<hex>.dir` for a directory. */
  readonly md5: string;
  readonly kind: Md5Kind;
}

/** Keys of a `.dvc` file and of its outs that carry nothing pipe must act on. */
const FILE_KEYS = new Set(['outs', 'md5', 'wdir', 'desc', 'meta']);
const OUT_KEYS = new Set(['md5', 'hash', 'size', 'nfiles', 'path', 'desc', 'type', 'labels', 'meta', 'cache', 'push', 'persist', 'isexec']);
/**
 * The `.dvc` files of a DVC project (a root holding `.dvc/`), sorted; none elsewhere, so other
 * repositories pay nothing. Searched as dvc.yaml files are (walkWorkspace: not `.git`, `.dvc`,
 * `.pipe`, `node_modules`, ignored directories, nor a directory DVC tracks, `images` beside
 * `images.dvc`), in the same remembered search as the dvc.yaml files. `skip`: directories whose
 * files are data, not `.dvc` files (a stage's outs; cached ones are git-ignored, so not searched).
 */
export function findDvcFiles(root: string, cache: ParsedCache, skip: ReadonlySet<RepoPath> = new Set()): RepoPath[] {
  if (!existsSync(join(root, '.dvc'))) return [];
  const outs = [...skip];
  return dvcWorkspaceFiles(root, cache).filter((f) => f.endsWith('.dvc') && !outs.some((o) => isWithin(f, o)));
}

/** Every out of every `.dvc` file; all problems at once, as one SPEC_INVALID error. */
export async function readDvcFiles({ root, cache = new ParsedCache(undefined), skip }: { root: string; cache?: ParsedCache; skip?: ReadonlySet<RepoPath> }): Promise<DvcTracked[]> {
  const files = findDvcFiles(root, cache, skip);
  const out: DvcTracked[] = [];
  const issues: SpecIssue[] = [];
  const guard = new WorkspaceGuard(root);
  for (const file of files) {
    const first = await readOne(root, file, cache, false, out, issues, guard);
    // Problems in a remembered value: parse again to say where they are.
    if (first === 'retry') await readOne(root, file, cache, true, out, issues, guard);
  }
  if (issues.length) {
    const n = issues.length;
    throw new PipeError('SPEC_INVALID', `${n} problem${n === 1 ? '' : 's'} in .dvc files:\n${formatIssues(issues)}`, { issues });
  }
  return out;
}

async function readOne(root: string, file: RepoPath, cache: ParsedCache, fresh: boolean, out: DvcTracked[], issues: SpecIssue[], guard: WorkspaceGuard): Promise<'ok' | 'retry'> {
  const read = await readYamlFile({ root, name: file, cache, fresh });
  if (!read.exists) return 'ok';
  const source: YamlSource = read.source ?? { file, value: read.value, syntaxIssues: [], locate: () => undefined };
  if (source.syntaxIssues.length) {
    issues.push(...source.syntaxIssues);
    return 'ok';
  }
  const mine: SpecIssue[] = [];
  const at = (path: KeyPath, message: string) => mine.push({ file, ...source.locate(path.slice(0, -1), String(path.at(-1))), key: formatKeyPath(path), message });
  const v = read.value;
  const entries: DvcTracked[] = [];
  if (!isRecord(v)) {
    mine.push({ file, line: 1, column: 1, message: 'expected a mapping with outs: (a file written by dvc add)' });
  } else {
    for (const key of Object.keys(v)) {
      if (FILE_KEYS.has(key)) continue;
      if (key === 'deps') at([key], "'deps:' makes this an import (dvc import / import-url), which pipe does not support: run 'dvc update' and track the data with 'pipe add' instead");
      else if (key === 'frozen') {
        if (v.frozen !== false) at([key], "'frozen:' (a frozen import) is not supported by pipe: track the data with 'pipe add' instead");
      } else at([key], `'${key}:' is not something pipe can honour in a .dvc file; remove it, or track the data with 'pipe add'`);
    }
    const wdir = typeof v.wdir === 'string' ? v.wdir : '.';
    const dir = posix.join(posix.dirname(file), wdir);
    const outs = Array.isArray(v.outs) ? v.outs : [];
    if (!Array.isArray(v.outs)) at(['outs'], 'expected a list of outs (path, md5)');
    outs.forEach((o: unknown, i) => {
      const here = ['outs', i];
      if (!isRecord(o)) return mine.push({ file, ...source.locate(here), key: formatKeyPath(here), message: 'expected a mapping with path and md5' });
      for (const key of Object.keys(o)) {
        if (key === 'remote') at([...here, key], "'remote:' on an out is not supported: pipe pushes every out to the one remote chosen by 'pipe push -r'; remove it");
        else if (!OUT_KEYS.has(key)) at([...here, key], `'${key}:' is not supported by pipe${key === 'etag' || key === 'checksum' ? ' (only md5 hashes are: re-add the data with DVC 3, or with pipe add)' : ''}`);
      }
      if (o.cache === false) at([...here, 'cache'], "'cache: false' data is committed to git, not tracked: remove the .dvc file and commit the data, or remove 'cache: false'");
      if (o.push === false) at([...here, 'push'], "'push: false' is not supported: pipe pushes every tracked path; remove it");
      if (typeof o.path !== 'string') return mine.push({ file, ...source.locate(here), key: formatKeyPath(here), message: 'needs a path' });
      if (/^[a-z][a-z0-9+.-]*:\/\//i.test(o.path) || posix.isAbsolute(o.path)) {
        return at([...here, 'path'], `external out '${o.path}' is not supported: pipe tracks data inside the repository only`);
      }
      const r = toRepoPath(o.path, dir);
      if (!r.ok) return at([...here, 'path'], `path '${o.path}' ${r.reason}`);
      // As pipe add refuses it: a directory of the path that is a symlink out of the repository
      // would have pipe hash (and checkout write) data outside it.
      try {
        guard.parentOf(r.path);
      } catch (err) {
        if (isPipeError(err, 'PATH_INVALID')) return at([...here, 'path'], err.message);
        throw err;
      }
      if (typeof o.md5 !== 'string') return at([...here, 'path'], 'needs an md5 (other hashes, such as etag, are not supported)');
      entries.push({ file, path: r.path, md5: o.md5, kind: o.hash === 'md5' ? 'md5' : 'md5-dos2unix' });
    });
  }
  if (mine.length && !read.source) return 'retry';
  issues.push(...mine);
  if (!mine.length) {
    out.push(...entries);
    read.remember();
  }
  return 'ok';
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
