/** @module Runs the git CLI for what needs git's index and ignore rules (filling a worktree, add -A, write-tree, the snapshot) and for push/fetch of refs/exps/*. */
import { execFile } from 'node:child_process';
import { PipeError } from '../../runner/command/index.js';

export interface GitOptions {
  /** Extra environment (e.g. the committer's identity). */
  readonly env?: Readonly<Record<string, string>>;
  /** Bytes for stdin. */
  readonly input?: string;
}

/** `git ARGS…` in `cwd`; its stdout, or EXP_GIT_FAILED with git's own stderr. */
export function git(cwd: string, args: readonly string[], options: GitOptions = {}): Promise<string> {
  return run(cwd, 'git', args, `git ${args.join(' ')}`, options);
}

function run(cwd: string, file: string, args: readonly string[], command: string, { env, input }: GitOptions): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = execFile(file, [...args], { cwd, env: { ...process.env, GIT_TERMINAL_PROMPT: '0', ...env }, maxBuffer: 64 * 1024 * 1024 }, (err, stdout, stderr) => {
      if (!err) return resolve(stdout);
      const detail = (stderr || err.message).trim();
      reject(new PipeError('EXP_GIT_FAILED', `${command} failed: ${detail}`, { command, stderr: detail }, { cause: err }));
    });
    if (input !== undefined) child.stdin?.end(input);
  });
}

/**
 * Several git commands run by one shell: `script` is a fixed text (never built from input), and
 * a Node process start costs more than a shell's (~5 ms on an idle machine, ~30 under load), so
 * `add -A` then `write-tree` started once is one start fewer per experiment.
 */
export function gitScript(cwd: string, script: string, options: GitOptions = {}): Promise<string> {
  return run(cwd, 'sh', ['-c', script], script, options);
}

/** `git ARGS…` whose stdout is bytes (a blob). */
export function gitBytes(cwd: string, args: readonly string[]): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    execFile('git', [...args], { cwd, encoding: 'buffer', maxBuffer: 1024 * 1024 * 1024 }, (err, stdout, stderr) => {
      if (!err) return resolve(stdout);
      const command = `git ${args.join(' ')}`;
      const detail = (stderr.toString() || err.message).trim();
      reject(new PipeError('EXP_GIT_FAILED', `${command} failed: ${detail}`, { command, stderr: detail }, { cause: err }));
    });
  });
}

/** The committer identity for experiment commits: git's own config when set, else a neutral one (an experiment is local bookkeeping, not authorship). */
export function commitEnv(root: string): Promise<Record<string, string>> {
  let known = identities.get(root);
  if (!known) identities.set(root, (known = readIdentity(root)));
  return known;
}

/** One lookup per repository and process (a sweep commits many experiments). */
const identities = new Map<string, Promise<Record<string, string>>>();

async function readIdentity(root: string): Promise<Record<string, string>> {
  // One git process for both (git config --get of each was two): the last value of a key wins, as with --get.
  const listed = await git(root, ['config', '--get-regexp', '^user\\.(name|email)$']).catch(() => '');
  const values = new Map<string, string>();
  for (const line of listed.split('\n')) {
    const space = line.indexOf(' ');
    if (space > 0) values.set(line.slice(0, space), line.slice(space + 1));
  }
  const [name, email] = [values.get('user.name') ?? '', values.get('user.email') ?? ''];
  const n = process.env.GIT_AUTHOR_NAME ?? (name || 'pipe exp');
  const e = process.env.GIT_AUTHOR_EMAIL ?? (email || 'pipe-exp@localhost');
  return { GIT_AUTHOR_NAME: n, GIT_AUTHOR_EMAIL: e, GIT_COMMITTER_NAME: process.env.GIT_COMMITTER_NAME ?? n, GIT_COMMITTER_EMAIL: process.env.GIT_COMMITTER_EMAIL ?? e };
}
