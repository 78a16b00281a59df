/** @module Creates an annotated tag (the registry's only write to git), as `git tag -a NAME -m MESSAGE COMMIT` would, and pushes it. */
import * as fs from 'node:fs';
import { PipeError } from '../errors.js';
import { openGitRepo } from './open-git-repo.js';

export interface Tagger {
  readonly name: string;
  readonly email: string;
  readonly timestamp: number;
  readonly timezoneOffset: number;
}

/**
 * Who tags: GIT_COMMITTER_NAME / GIT_COMMITTER_EMAIL / GIT_COMMITTER_DATE (`<epoch> <+hhmm>`) as
 * git reads them, else git config's user.name and user.email, now.
 */
export async function taggerIdentity(root: string, env: NodeJS.ProcessEnv = process.env): Promise<Tagger> {
  const repo = await openGitRepo(root);
  if (!repo) throw new PipeError('REVISION_UNKNOWN', `${root} is not inside a git repository: the registry lives in git tags`, { revision: 'HEAD', reason: 'no git repository' });
  const config = async (path: string) => (await repo.git.getConfig({ fs, dir: repo.dir, gitdir: repo.gitdir, path })) as string | undefined;
  const name = env.GIT_COMMITTER_NAME ?? (await config('user.name'));
  const email = env.GIT_COMMITTER_EMAIL ?? (await config('user.email'));
  if (!name || !email) {
    throw new PipeError('USAGE', 'git does not know who you are: set `git config user.name "Your Name"` and `git config user.email you@example.com` (the tagger of a registry tag is its audit trail)', {});
  }
  const date = /^@?(\d+) ([+-])(\d\d)(\d\d)$/.exec(env.GIT_COMMITTER_DATE ?? '');
  if (date) {
    const offset = (Number(date[3]) * 60 + Number(date[4])) * (date[2] === '-' ? 1 : -1);
    return { name, email, timestamp: Number(date[1]), timezoneOffset: offset };
  }
  return { name, email, timestamp: Math.floor(Date.now() / 1000), timezoneOffset: new Date().getTimezoneOffset() };
}

/** Creates refs/tags/NAME for `commit`; refuses a name that exists. */
export async function createAnnotatedTag(root: string, { name, commit, message, tagger }: { name: string; commit: string; message: string; tagger: Tagger }): Promise<void> {
  const repo = await openGitRepo(root);
  if (!repo) throw new PipeError('REVISION_UNKNOWN', `${root} is not inside a git repository`, { revision: commit, reason: 'no git repository' });
  try {
    await repo.git.annotatedTag({ fs, dir: repo.dir, gitdir: repo.gitdir, ref: name, object: commit, message: message.endsWith('\n') ? message : `${message}\n`, tagger });
  } catch (err) {
    if ((err as { code?: string }).code === 'AlreadyExistsError') throw new PipeError('USAGE', `tag '${name}' exists already`, {});
    throw err;
  }
}

/** `git push origin refs/tags/NAME` (the git CLI: it knows the user's credentials and transports). */
/** Refuses --push before any tag is written when the repository has no git remote `remote`: exit 2, nothing written. */
export async function assertGitRemote(root: string, remote = 'origin'): Promise<void> {
  const { execa } = await import('execa');
  const r = await execa('git', ['remote', 'get-url', remote], { cwd: root, reject: false, stdin: 'ignore' });
  if (r.exitCode !== 0) {
    throw new PipeError('USAGE', `--push: this repository has no git remote '${remote}'; add one (git remote add ${remote} URL) or leave out --push. Nothing was written`, { command: 'model', flag: '--push' });
  }
}

export async function pushTag(root: string, name: string, remote = 'origin'): Promise<void> {
  const { execa } = await import('execa');
  // git's own output is not repeated: a remote URL in it may carry a token.
  const r = await execa('git', ['push', '--quiet', remote, `refs/tags/${name}`], { cwd: root, reject: false, stdin: 'ignore' });
  if (r.exitCode !== 0) {
    throw new PipeError('REMOTE_FAILED', `could not push tag '${name}' to git remote '${remote}' (git push exited ${String(r.exitCode)}); the tag is made here: run git push ${remote} ${name} to see why`, { remote, reason: 'failed' });
  }
}
