/** @module Runs git in a test repository with a fixed identity, so commits work on a machine without git config. */
import { execFileSync } from 'node:child_process';
import type { Repo } from './repo.js';

const IDENTITY = ['-c', 'user.name=pipe tests', '-c', 'user.email=tests@pipe.invalid', '-c', 'commit.gpgsign=false'];

/** `git ARGS…` in the repository; returns stdout, throws (failing the test) on a non-zero exit. */
export function git(repo: Repo, ...args: string[]): string {
  return execFileSync('git', [...IDENTITY, ...args], { cwd: repo.dir, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

/** Stages everything git does not ignore and commits it. */
export function commitAll(repo: Repo, message: string): void {
  git(repo, 'add', '-A');
  git(repo, 'commit', '-q', '--allow-empty', '-m', message);
}
