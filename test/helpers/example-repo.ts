/**
 * @module The example churn pipeline in a temporary git repository, with small params: a copy of
 * pipeline.yaml, stages/ and serve/model/ (the model runtime the stages import), with node_modules
 * linked from this checkout, so the real `pipe` bin runs the real stage programs (and TensorFlow.js).
 */
import { cpSync, readFileSync, symlinkSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseDocument } from 'yaml';
import { makeRepo, type Repo } from './repo.js';

/** This checkout. */
export const MAIN = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** Rows of the generated customer table in SMALL. */
export const ROWS = 3000;

/** Params small enough for the suite: a few seconds of training. */
export const SMALL: Readonly<Record<string, unknown>> = { 'ingest.rows': ROWS, 'train.epochs': 2, 'evaluate.min_auc': 0.6 };

/** The repository's params.yaml with `changes` (dotted key → value) applied, comments kept. */
export function exampleParams(changes: Readonly<Record<string, unknown>>): string {
  const doc = parseDocument(readFileSync(join(MAIN, 'params.yaml'), 'utf8'));
  for (const [key, value] of Object.entries(changes)) doc.setIn(key.split('.'), value);
  return doc.toString();
}

/** A fresh repository holding the example pipeline with SMALL params (and `extra` files); node_modules is git-ignored. */
export function exampleRepo(extra: Readonly<Record<string, string>> = {}): Repo {
  const repo = makeRepo({
    // package.json for "type": "module": tsx runs the stages as ES modules (they use top-level await).
    'package.json': readFileSync(join(MAIN, 'package.json'), 'utf8'),
    'pipeline.yaml': readFileSync(join(MAIN, 'pipeline.yaml'), 'utf8'),
    'params.yaml': exampleParams(SMALL),
    ...extra,
  });
  for (const dir of ['stages', 'serve/model']) {
    cpSync(join(MAIN, dir), repo.path(dir), { recursive: true, filter: (src) => !src.endsWith('.test.ts') });
  }
  linkNodeModules(repo);
  return repo;
}

/** Links this checkout's node_modules into `repo` (a git clone of an example repository lacks it). */
export function linkNodeModules(repo: Repo): void {
  symlinkSync(join(MAIN, 'node_modules'), repo.path('node_modules'));
}

/** Stage names whose `running because` line appeared, in order. */
export const ranStages = (stdout: string): string[] => [...stdout.matchAll(/^(\S+): running because/gm)].map((m) => m[1] as string);

/**
 * Environment for a pipe process that makes every node process under it (the stages' `tsx`
 * programs among them) append its arguments to `log` (test/helpers/node-log.mjs).
 */
export function nodeLogEnv(log: string): Record<string, string> {
  return { NODE_OPTIONS: `--import=${join(MAIN, 'test', 'helpers', 'node-log.mjs')}`, PIPE_TEST_NODE_LOG: log };
}
