/** @module Resolves the name part of a revision — a ref, HEAD, a full or abbreviated commit id — to a commit oid. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gitErrorCode, gitErrorData } from './git-error-code.js';
import type { GitRepo } from './open-git-repo.js';
import { gitReadFailed, unknownRevision } from './revision.js';

const OID = /^[0-9a-f]{40}$/;
const ABBREVIATED_OID = /^[0-9a-f]{4,39}$/;

/** The commit `base` names (annotated tags peeled); `revision` is the whole text, for messages. */
export async function resolveBase(repo: GitRepo, base: string, revision: string): Promise<string> {
  // git's order: a ref of that name wins over an object id that happens to look the same.
  const target = (await refTarget(repo, base, revision)) ?? (await objectNamed(repo, base, revision));
  if (target === undefined) {
    const reason = base === 'HEAD' ? 'the repository has no commits yet' : 'not a branch, tag or commit in this repository';
    throw unknownRevision(revision, reason);
  }
  return peelToCommit(repo, target, base, revision);
}

/**
 * Where git looks for a ref named `name` (git rev-parse, "specifying revisions"). The bare name
 * under .git/ is tried only for HEAD-like names and full ref names, as git does: otherwise a branch
 * called `objects` or `info` would resolve to a directory of the git dir.
 */
function candidates(name: string): string[] {
  const own = /^[A-Z][A-Z0-9_]*$/.test(name) || name.startsWith('refs/') ? [name] : [];
  return [...own, `refs/${name}`, `refs/tags/${name}`, `refs/heads/${name}`, `refs/remotes/${name}`, `refs/remotes/${name}/HEAD`];
}

async function refTarget(repo: GitRepo, name: string, revision: string): Promise<string | undefined> {
  if (OID.test(name)) return undefined;
  if (name === 'FETCH_HEAD') return fetchHead(repo);
  // In a linked work tree HEAD & co. live apart from the refs they point to, which isomorphic-git does not follow.
  if (repo.headGitdir !== repo.gitdir && /^[A-Z][A-Z0-9_]*$/.test(name)) {
    const own = readRefFile(repo, name);
    if (own?.startsWith('ref: refs/')) return refTarget(repo, own.slice(5), revision);
    if (own !== undefined && OID.test(own)) return own;
  }
  for (const ref of candidates(name)) {
    try {
      return await repo.git.resolveRef({ fs: repo.fs, gitdir: repo.gitdir, ref });
    } catch (err) {
      if (gitErrorCode(err) !== 'NotFoundError') throw gitReadFailed({ revision }, err);
    }
  }
  return undefined;
}

/** FETCH_HEAD holds lines of `oid<TAB>…`; git resolves it to the first one. */
function fetchHead(repo: GitRepo): string | undefined {
  return /^([0-9a-f]{40})/.exec(readRefFile(repo, 'FETCH_HEAD') ?? '')?.[1];
}

function readRefFile(repo: GitRepo, name: string): string | undefined {
  try {
    return readFileSync(join(repo.headGitdir, name), 'utf8').trim();
  } catch {
    return undefined;
  }
}

async function objectNamed(repo: GitRepo, name: string, revision: string): Promise<string | undefined> {
  if (OID.test(name)) return name;
  if (!ABBREVIATED_OID.test(name)) return undefined;
  try {
    return await repo.git.expandOid({ fs: repo.fs, gitdir: repo.gitdir, oid: name, cache: repo.cache });
  } catch (err) {
    const code = gitErrorCode(err);
    if (code === 'NotFoundError') return undefined;
    if (code === 'AmbiguousError') {
      const matches = (gitErrorData(err).matches as string[] | undefined) ?? [];
      const list = matches.map((m) => m.slice(0, 12)).join(', ');
      throw unknownRevision(revision, `the abbreviated id '${name}' is ambiguous${list ? ` (${list})` : ''}; give more digits`, err);
    }
    throw gitReadFailed({ revision }, err);
  }
}

async function peelToCommit(repo: GitRepo, oid: string, base: string, revision: string): Promise<string> {
  try {
    return (await repo.git.readCommit({ fs: repo.fs, gitdir: repo.gitdir, oid, cache: repo.cache })).oid;
  } catch (err) {
    const code = gitErrorCode(err);
    if (code === 'NotFoundError') {
      throw unknownRevision(revision, `there is no commit ${oid} in this repository (a shallow clone may lack it: git fetch it first)`, err);
    }
    if (code === 'ObjectTypeError') {
      const actual = String(gitErrorData(err).actual ?? 'object');
      throw unknownRevision(revision, `'${base}' names a ${actual}, not a commit`, err);
    }
    throw gitReadFailed({ revision }, err);
  }
}
