/**
 * @module Temporary directories that live exactly as long as what uses them: one made inside a test
 * is removed when that test finishes (pass, fail or timeout); one made by a fixture built once per
 * file (`forFile`, or outside any test) is removed by the file's `afterAll(removeFileDirs)`. Before a
 * directory goes, the pipe processes still running in it are stopped, so a test that timed out
 * cannot leave processes writing into a deleted directory, and its follow-on errors (ENOENT,
 * ENOTEMPTY) never show up as failures of their own. PIPE_TEST_KEEP keeps everything, for debugging.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, sep } from 'node:path';
import { onTestFinished } from 'vitest';

/** A child process working in a temporary directory: stopped before that directory is removed. */
export interface TrackedProcess {
  readonly cwd: string;
  stop(): Promise<void>;
}

const fileScope = new AsyncLocalStorage<true>();
const fileDirs: string[] = [];
const running = new Set<TrackedProcess>();

export function tempDir(prefix = 'pipe-e2e-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  if (fileScope.getStore() || !whenTestFinishes(() => removeDir(dir))) fileDirs.push(dir);
  return dir;
}

/** Runs `build` so that the directories it makes outlive the test that happened to call it first. */
export function forFile<T>(build: () => Promise<T>): Promise<T> {
  return fileScope.run(true, build);
}

/** Stops `p` if it still runs when its directory is about to be removed; call the returned function once it exits. */
export function track(p: TrackedProcess): () => void {
  running.add(p);
  return () => running.delete(p);
}

/** For `afterAll`: removes the directories of fixtures built once per file. */
export async function removeFileDirs(): Promise<void> {
  for (const dir of fileDirs.splice(0)) await removeDir(dir);
}

function whenTestFinishes(fn: () => Promise<void>): boolean {
  try {
    onTestFinished(fn);
    return true;
  } catch {
    // Not inside a test (a beforeAll hook, a module-level fixture): the file owns the directory.
    return false;
  }
}

async function removeDir(dir: string): Promise<void> {
  if (process.env.PIPE_TEST_KEEP) return;
  await Promise.all([...running].filter((p) => p.cwd === dir || p.cwd.startsWith(dir + sep)).map((p) => p.stop()));
  try {
    // Retries cover a stage process that its killed pipe left behind, still writing for a moment.
    rmSync(dir, { recursive: true, force: true, maxRetries: 5, retryDelay: 200 });
  } catch (err) {
    // A leftover directory in the OS temp dir is not a test failure; say so without failing anything.
    console.warn(`could not remove ${dir}: ${(err as Error).message}`);
  }
}
