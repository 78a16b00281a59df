/**
 * @module An attacker's repository for the hostile-repository tests: `base/repo` (a git
 * repository whose every file the attacker wrote, .pipe/ included), `base/outside/` (the user's
 * other files, which nothing pipe does may create, change or delete) and `base/remote/` (a
 * directory remote the attacker filled). `inHostile` runs pipe and fails the test when anything
 * outside the repository, or in its .git/, differs afterwards.
 */
import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { lstatSync, mkdirSync, readdirSync, readFileSync, readlinkSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { expect } from 'vitest';
import { stringify } from 'yaml';
import type { PipeResult } from '../helpers/pipe.js';
import { Repo, type Files } from '../helpers/repo.js';
import { tempDir } from '../helpers/temp-dir.js';

export interface Hostile {
  readonly base: string;
  readonly repo: Repo;
  readonly outside: string;
  readonly remote: string;
}

/** What the user keeps next to the repository: a plain file, an executable, a read-only file, a directory. */
const VICTIMS: Readonly<Record<string, { content: string; mode: number }>> = {
  'victim.txt': { content: 'precious\n', mode: 0o644 },
  'bin/tool': { content: '#!/bin/sh\necho tool\n', mode: 0o755 },
  'readonly.txt': { content: 'do not touch\n', mode: 0o444 },
  'dir/secret.json': { content: '{"secret": "hunter2"}\n', mode: 0o600 },
};

export const SECRET = 'hunter2';

/**
 * `files` go into the repository (symlinks allowed: `{ symlink: '../outside' }`); a `lock` value
 * becomes data.lock (YAML), with `schema: 1` added. The committed .pipe/config.yaml names the
 * attacker's directory remote (`../remote`).
 */
export function hostileRepo({ files = {}, lock }: { files?: Files; lock?: Record<string, unknown> } = {}): Hostile {
  const base = tempDir('pipe-hostile-');
  const root = join(base, 'repo');
  execFileSync('git', ['init', '-q', root]);
  const repo = new Repo(root);
  repo.write('.pipe/config.yaml', 'remotes:\n  attacker:\n    url: ../remote\n');
  if (!('pipeline.yaml' in files)) repo.write('pipeline.yaml', 'stages: {}\n');
  for (const [rel, spec] of Object.entries(files)) repo.write(rel, spec);
  if (lock) repo.write('data.lock', stringify({ schema: 1, ...lock }, { lineWidth: 0 }));
  const outside = join(base, 'outside');
  for (const [rel, v] of Object.entries(VICTIMS)) {
    mkdirSync(join(outside, rel, '..'), { recursive: true });
    writeFileSync(join(outside, rel), v.content, { mode: v.mode });
  }
  const remote = join(base, 'remote');
  mkdirSync(remote);
  return { base, repo, outside, remote };
}

export function sha256(bytes: string | Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** Puts `bytes` under its own name in a store rooted at `dir` (a directory remote, or a repository's .pipe/cache); returns `sha256:<hex>[.dir]`. */
export function putObject(dir: string, bytes: string, { isDir = false, mode = 0o444 }: { isDir?: boolean; mode?: number } = {}): string {
  const hex = sha256(bytes);
  const file = join(dir, 'files/sha256', hex.slice(0, 2), `${hex.slice(2)}${isDir ? '.dir' : ''}`);
  mkdirSync(join(file, '..'), { recursive: true });
  writeFileSync(file, bytes, { mode });
  return `sha256:${hex}${isDir ? '.dir' : ''}`;
}

/** A manifest's bytes as pipe writes them, from entries of `relpath → content` (the file objects are stored in `dir` too). */
export function putDirectory(dir: string, files: Readonly<Record<string, string>>, { exec = false } = {}): string {
  const entries = Object.entries(files).map(([relpath, content]) => ({ relpath, hash: hexOfObject(putObject(dir, content)), size: Buffer.byteLength(content), exec }));
  return putManifestText(dir, `[${entries.map((e) => JSON.stringify(e)).join(',\n')}]\n`);
}

/** Stores any text as a manifest object (`….dir`), well formed or not. */
export function putManifestText(dir: string, text: string): string {
  return putObject(dir, text, { isDir: true });
}

function hexOfObject(hash: string): string {
  return hash.slice('sha256:'.length).replace(/\.dir$/, '');
}

/** Every entry under `dir` (not following symlinks): type, mode, links, inode, content or target. */
export function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string) => {
    let names: string[];
    try {
      names = readdirSync(d);
    } catch {
      return;
    }
    for (const name of names.sort()) {
      const abs = join(d, name);
      const st = lstatSync(abs);
      const rel = relative(dir, abs);
      const head = `mode=${(st.mode & 0o7777).toString(8)} nlink=${st.nlink} ino=${st.ino}`;
      if (st.isSymbolicLink()) out[rel] = `symlink -> ${readlinkSync(abs)}`;
      else if (st.isDirectory()) {
        out[rel] = `dir ${head}`;
        walk(abs);
      } else out[rel] = `file ${head} sha256=${sha256(readFileSync(abs))} mtime=${st.mtimeMs}`;
    }
  };
  walk(dir);
  return out;
}

/** What must not change: everything beside the repository, and the repository's .git/. */
function untouchable(h: Hostile): Record<string, string> {
  const beside = snapshot(h.base);
  for (const k of Object.keys(beside)) if (k === 'repo' || k.startsWith('repo/')) delete beside[k];
  return { ...beside, ...prefixed('repo/.git', snapshot(h.repo.path('.git'))) };
}

function prefixed(prefix: string, o: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(o).map(([k, v]) => [`${prefix}/${k}`, v]));
}

/** Runs pipe in the attacker's repository and fails the test if anything outside it (or in .git/) was created, changed or deleted. */
export async function inHostile(h: Hostile, args: string[], env?: Record<string, string>): Promise<PipeResult> {
  const before = untouchable(h);
  const r = await h.repo.pipe(args, { env });
  expect(untouchable(h), `pipe ${args.join(' ')} touched files outside the repository\n${r.stdout}\n${r.stderr}`).toEqual(before);
  expect(r.stderr, 'a reachable condition, never an internal error').not.toMatch(/internal error|TypeError|EISDIR|at .*\.js:\d+/);
  return r;
}

/** No file of the repository (data.lock, outs, .pipe/, but not .git/) holds `text`. */
export function expectNowhereInRepo(h: Hostile, text: string): void {
  const hits: string[] = [];
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const abs = join(d, e.name);
      if (abs === h.repo.path('.git')) continue;
      if (e.isDirectory()) walk(abs);
      else if (e.isFile() && readFileSync(abs, 'utf8').includes(text)) hits.push(relative(h.repo.dir, abs));
    }
  };
  walk(h.repo.dir);
  expect(hits, `'${text}' copied into the repository`).toEqual([]);
}
