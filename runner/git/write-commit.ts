/**
 * @module Writes a commit object for a tree and points a ref at it, in process, as `git commit-tree`
 * and `git update-ref` would: an experiment's result took four git processes, ~90 ms of its
 * bookkeeping on this machine, two of them for these two small writes.
 */
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import { mkdirSync, renameSync, rmSync } from 'node:fs';
import { createExclusive } from '../fs/create-exclusive.js';
import { dirname, join } from 'node:path';
import { PipeError } from '../errors.js';
import { gitErrorCode } from './git-error-code.js';
import { openGitRepo, type GitRepo } from './open-git-repo.js';

export interface CommitPerson {
  readonly name: string;
  readonly email: string;
}

export interface CommitObject {
  readonly tree: string;
  readonly parents: readonly string[];
  /** Written as git commit-tree writes `-F -` input: one newline at the end. */
  readonly message: string;
  readonly author: CommitPerson;
  readonly committer: CommitPerson;
}

/**
 * When a commit is dated (GIT_AUTHOR_DATE / GIT_COMMITTER_DATE as `[@]<epoch> <±hhmm>`, else
 * now); undefined when one of them is set in another of the many forms git reads, which the
 * caller leaves to git itself.
 */
export function commitDates(env: NodeJS.ProcessEnv = process.env): { author: GitDate; committer: GitDate } | undefined {
  const author = gitDate(env.GIT_AUTHOR_DATE);
  const committer = gitDate(env.GIT_COMMITTER_DATE);
  return author && committer ? { author, committer } : undefined;
}

interface GitDate {
  readonly timestamp: number;
  readonly timezoneOffset: number;
}

function gitDate(value: string | undefined): GitDate | undefined {
  if (value === undefined || value === '') return { timestamp: Math.floor(Date.now() / 1000), timezoneOffset: new Date().getTimezoneOffset() };
  const m = /^@?(\d+) ([+-])(\d\d)(\d\d)$/.exec(value);
  if (!m) return undefined;
  return { timestamp: Number(m[1]), timezoneOffset: (Number(m[3]) * 60 + Number(m[4])) * (m[2] === '-' ? 1 : -1) };
}

/**
 * node:fs for isomorphic-git, but writing each file whole (temp + rename): it writes a loose object
 * straight to its name and never writes a name that exists again, so a kill between the open and
 * the write left an empty object that git fsck rejects and no later write repaired. The temporary
 * file is named as git names its own (`objects/xx/tmp_obj_*`): one a kill leaves behind is removed
 * by git gc (prune) and not reported by git fsck, where any other name is a "bad sha1 file" for
 * ever. Read-only (0444) as git writes objects; not fsynced, as git by default does not.
 */
const wholeFileFs = {
  promises: {
    ...fs.promises,
    writeFile: async (file: string, data: string | Uint8Array) => {
      const tmp = join(dirname(file), `tmp_obj_${randomBytes(6).toString('hex')}`);
      try {
        await fs.promises.writeFile(tmp, data, { mode: 0o444, flag: 'wx' });
        await fs.promises.rename(tmp, file);
      } catch (error) {
        // isomorphic-git creates a missing fanout directory and writes again.
        await fs.promises.rm(tmp, { force: true });
        throw error;
      }
    },
  },
};

/** The commit's oid; dated by `dates` (commitDates()). */
export async function writeCommitObject(root: string, commit: CommitObject, dates: { author: GitDate; committer: GitDate }): Promise<string> {
  const repo = await requireRepo(root);
  return repo.git.writeCommit({
    fs: wholeFileFs,
    gitdir: repo.gitdir,
    commit: {
      tree: commit.tree,
      parent: [...commit.parents],
      message: commit.message,
      author: { ...gitIdent(commit.author), ...dates.author },
      committer: { ...gitIdent(commit.committer), ...dates.committer },
    },
  });
}

/**
 * A name and email as git writes them (ident.c, strbuf_addstr_without_crud): isomorphic-git writes
 * them as given, so a '<', '>' or newline in user.name or GIT_AUTHOR_NAME made a commit git fsck
 * rejects (and a remote checking pushed objects, as GitHub does, refuses), and leading or trailing
 * spaces or punctuation made another commit than git's.
 */
function gitIdent({ name, email }: CommitPerson): CommitPerson {
  return { name: withoutCrud(name), email: withoutCrud(email) };
}

const isCrud = (c: number) => c <= 32 || '.,:;<>"\\\''.includes(String.fromCharCode(c));

function withoutCrud(s: string): string {
  const bytes = Buffer.from(s, 'utf8');
  let start = 0;
  let end = bytes.length;
  while (start < end && isCrud(bytes[start] as number)) start++;
  while (end > start && isCrud(bytes[end - 1] as number)) end--;
  return bytes.subarray(start, end).toString('utf8').replace(/[\n<>]/g, '');
}

/** Whether `ref` (a full name, `refs/exps/…`) exists, loose or packed. */
export async function refExists(root: string, ref: string): Promise<boolean> {
  const repo = await requireRepo(root);
  try {
    await repo.git.resolveRef({ fs: repo.fs, gitdir: repo.gitdir, ref, depth: 1 });
    return true;
  } catch (err) {
    if (gitErrorCode(err) === 'NotFoundError') return false;
    throw err;
  }
}

/**
 * Points `ref` at `oid` the way git does (`<ref>.lock` created exclusively, then renamed over the
 * ref), so a concurrent git or pipe updating the same ref fails rather than interleaves. Without
 * `replace`, a ref that exists already is left alone, as by `git update-ref REF OID ''`. False
 * when the ref was not written: it exists, or another process holds its lock.
 */
export async function writeRefFile(root: string, ref: string, oid: string, { replace = false }: { replace?: boolean } = {}): Promise<boolean> {
  const repo = await requireRepo(root);
  const file = join(repo.gitdir, ref);
  mkdirSync(dirname(file), { recursive: true });
  const lock = `${file}.lock`;
  if (!createExclusive(lock, `${oid}\n`)) return false;
  try {
    if (!replace && (await refExists(root, ref))) {
      rmSync(lock, { force: true });
      return false;
    }
    renameSync(lock, file);
    return true;
  } catch (err) {
    rmSync(lock, { force: true });
    throw err;
  }
}

async function requireRepo(root: string): Promise<GitRepo> {
  const repo = await openGitRepo(root);
  if (!repo) throw new PipeError('REVISION_UNKNOWN', `${root} is not inside a git repository`, { revision: 'HEAD', reason: 'no git repository' });
  return repo;
}
