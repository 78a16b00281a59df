/**
 * @module A DVC project as DVC 3 leaves it: the dvc-classifier fixture (dvc.yaml, dvc.lock, the
 * outs in the workspace), its `.dvc/cache` written the way DVC 3 writes it (files/md5/ab/cdef…,
 * a directory as a `.dir` manifest of {md5, relpath}), and data added with `dvc add` (a `.dvc`
 * file, the cache objects, the .gitignore line DVC writes beside it).
 */
import { createHash } from 'node:crypto';
import { cpSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, posix } from 'node:path';
import { fileURLToPath } from 'node:url';
import { makeRepo, type Repo } from './repo.js';

export const DVC_FIXTURE = fileURLToPath(new URL('../fixtures/dvc-classifier', import.meta.url));

/** The fixture's stages, in dvc.yaml's order. */
export const DVC_STAGES = ['prepare', 'featurize@en', 'featurize@de', 'train@en-1', 'train@en-2', 'train@de-1', 'train@de-2', 'evaluate'];

/** The cached outs of the fixture's dvc.lock. */
const FIXTURE_OUTS = ['data/prepared', 'data/features/en', 'data/features/de', 'models/en-1.txt', 'models/en-2.txt', 'models/de-1.txt', 'models/de-2.txt', 'eval'];

/** A copy of the fixture in a new git repository; `withCache`: with `.dvc/` and the cache DVC would hold for its outs. */
export function dvcProject({ withCache = false }: { withCache?: boolean } = {}): Repo {
  const repo = makeRepo();
  cpSync(DVC_FIXTURE, repo.dir, { recursive: true });
  if (withCache) {
    mkdirSync(repo.path('.dvc'), { recursive: true });
    writeFileSync(repo.path('.dvc/config'), '');
    for (const out of FIXTURE_OUTS) writeDvcObjects(repo, out);
  }
  return repo;
}

/** md5 of bytes, as hex. */
function md5(bytes: string | Buffer): string {
  return createHash('md5').update(bytes).digest('hex');
}

/** Where DVC 3 keeps the object `hash`, relative to the repository. */
export function dvcObject(hash: string): string {
  return `.dvc/cache/files/md5/${hash.slice(0, 2)}/${hash.slice(2)}`;
}

/** Stores the workspace file or directory `path` in `.dvc/cache` as DVC 3 does; returns its md5 (`….dir` for a directory), size and file count. */
export function writeDvcObjects(repo: Repo, path: string): { md5: string; size: number; nfiles?: number } {
  const abs = repo.path(path);
  if (!statSync(abs).isDirectory()) {
    const bytes = readFileSync(abs);
    const hash = md5(bytes);
    put(repo, dvcObject(hash), bytes);
    return { md5: hash, size: bytes.length };
  }
  const files = walk(abs, '').sort();
  let size = 0;
  const entries = files.map((rel) => {
    const bytes = readFileSync(join(abs, rel));
    size += bytes.length;
    const hash = md5(bytes);
    put(repo, dvcObject(hash), bytes);
    return `{"md5": "${hash}", "relpath": ${JSON.stringify(rel)}}`;
  });
  // dvc-data's Tree: json.dumps of the sorted entries, keys sorted; the same bytes are hashed and stored.
  const manifest = `[${entries.join(', ')}]`;
  const hash = `${md5(manifest)}.dir`;
  put(repo, dvcObject(hash), manifest);
  return { md5: hash, size, nfiles: files.length };
}

/** `dvc add PATH` (DVC 3): the objects, `PATH.dvc`, and `/NAME` in the .gitignore beside it. */
export function dvcAdd(repo: Repo, path: string): { md5: string } {
  const o = writeDvcObjects(repo, path);
  const name = posix.basename(path);
  const lines = [`outs:`, `- md5: ${o.md5}`, `  size: ${o.size}`, `  hash: md5`, ...(o.nfiles === undefined ? [] : [`  nfiles: ${o.nfiles}`]), `  path: ${name}`];
  repo.write(`${path}.dvc`, `${lines.join('\n')}\n`);
  const ignore = posix.join(posix.dirname(path), '.gitignore');
  const before = repo.exists(ignore) ? repo.read(ignore) : '';
  repo.write(ignore, `${before}/${name}\n`);
  return { md5: o.md5 };
}

function put(repo: Repo, rel: string, bytes: string | Buffer): void {
  const abs = repo.path(rel);
  mkdirSync(dirname(abs), { recursive: true });
  writeFileSync(abs, bytes, { mode: 0o444, flag: 'w' });
}

function walk(abs: string, rel: string): string[] {
  return readdirSync(join(abs, rel), { withFileTypes: true }).flatMap((e) => {
    const r = rel ? `${rel}/${e.name}` : e.name;
    return e.isDirectory() ? walk(abs, r) : [r];
  });
}
