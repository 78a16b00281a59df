/** @module Temporary git repositories built from a map of files, with readers for what pipe leaves in them. */
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { expect } from 'vitest';
import { parse, stringify } from 'yaml';
import { runPipe, startPipe, type PipeOptions, type PipeResult, type RunningPipe } from './pipe.js';
import { forFile, removeFileDirs, tempDir } from './temp-dir.js';

/** A file's text, or a file with a mode, or a symlink pointing at `symlink`. */
export type FileSpec = string | { readonly content: string; readonly mode?: number } | { readonly symlink: string };

export type Files = Readonly<Record<string, FileSpec>>;

/** A stage as written in pipeline.yaml (loosely typed on purpose: tests also write invalid ones). */
export type StageSpec = Readonly<Record<string, unknown>>;

/** The parts of data.lock the tests look at. */
export interface LockedPath {
  path: string;
  hash: string;
  size: number;
  nfiles?: number;
}
export interface StageLock {
  cmd: string | string[];
  deps: LockedPath[];
  params: Record<string, Record<string, unknown>>;
  outs: LockedPath[];
}
export interface DataLock {
  schema: number;
  stages: Record<string, StageLock>;
  data: Record<string, unknown>;
}

/** pipeline.yaml text for `stages` (serialised by the yaml library, so shell quoting survives). */
export function pipelineYaml(stages: Readonly<Record<string, StageSpec>>): string {
  return stringify({ stages }, { lineWidth: 0 });
}

/** A shell fragment that appends one line to `.counts/NAME`, outside every declared out, to count runs. */
export function countRun(name: string): string {
  return `mkdir -p .counts && echo run >> .counts/${name}`;
}

export class Repo {
  constructor(readonly dir: string) {}

  path(rel: string): string {
    return join(this.dir, rel);
  }

  write(rel: string, spec: FileSpec): void {
    const abs = this.path(rel);
    mkdirSync(dirname(abs), { recursive: true });
    rmSync(abs, { force: true });
    if (typeof spec === 'string') writeFileSync(abs, spec);
    else if ('symlink' in spec) symlinkSync(spec.symlink, abs);
    else writeFileSync(abs, spec.content, { mode: spec.mode ?? 0o644 });
  }

  /** Rewrites pipeline.yaml with `stages`. */
  stages(stages: Readonly<Record<string, StageSpec>>): void {
    this.write('pipeline.yaml', pipelineYaml(stages));
  }

  read(rel: string): string {
    return readFileSync(this.path(rel), 'utf8');
  }

  exists(rel: string): boolean {
    return existsSync(this.path(rel));
  }

  /** How many times a stage using countRun(name) has run. */
  count(name: string): number {
    const file = this.path(`.counts/${name}`);
    return existsSync(file) ? readFileSync(file, 'utf8').split('\n').filter(Boolean).length : 0;
  }

  /** The raw bytes of data.lock (undefined when absent). */
  lockBytes(): Buffer | undefined {
    const file = this.path('data.lock');
    return existsSync(file) ? readFileSync(file) : undefined;
  }

  /** data.lock parsed as YAML; fails the test when it is missing. */
  lock(): DataLock {
    return parse(this.read('data.lock')) as DataLock;
  }

  /** A copy of this repository (workspace, .git, .pipe and data.lock), like a fresh clone with its outs checked out. */
  clone(): Repo {
    const dir = tempDir();
    cpSync(this.dir, dir, { recursive: true, verbatimSymlinks: true });
    return new Repo(dir);
  }

  pipe(args: readonly string[], options?: PipeOptions): Promise<PipeResult> {
    return runPipe(this.dir, args, options);
  }

  start(args: readonly string[], options?: PipeOptions): RunningPipe {
    return startPipe(this.dir, args, options);
  }
}

/** A fresh git repository in the OS temp directory holding `files`. */
export function makeRepo(files: Files = {}): Repo {
  const dir = tempDir();
  execFileSync('git', ['init', '-q', dir]);
  const repo = new Repo(dir);
  for (const [rel, spec] of Object.entries(files)) repo.write(rel, spec);
  return repo;
}

/**
 * Builds a repository once per test file and hands each caller its own copy, to skip repeating a
 * setup run that the test does not look at. What the build makes belongs to the file (removed by
 * `afterAll(removeRepos)`); each copy belongs to the test that asked for it.
 */
export function template(build: () => Promise<Repo>): () => Promise<Repo> {
  let built: Promise<Repo> | undefined;
  return async () => (await (built ??= forFile(build))).clone();
}

/**
 * For `afterAll`: removes the repositories of fixtures built once per file. Those made inside a
 * test are removed when that test finishes (temp-dir.ts); PIPE_TEST_KEEP keeps them all.
 */
export const removeRepos = removeFileDirs;

/** Runs pipe in the repository and fails the test, showing the command and both outputs, unless it exits 0. */
export async function ok(repo: Repo, args: string[], env?: Record<string, string>): Promise<PipeResult> {
  const r = await repo.pipe(args, { env });
  expect(r.code, `pipe ${args.join(' ')}\n${r.stdout}\n${r.stderr}`).toBe(0);
  return r;
}
