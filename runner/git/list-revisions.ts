/** @module Lists commits to look at across the repository: HEAD, every branch, every tag, every experiment, or every commit reachable from a ref. */
import { isPipeError } from '../errors.js';
import { gitErrorCode } from './git-error-code.js';
import { openGitRepo, type GitRepo } from './open-git-repo.js';
import { resolveBase } from './resolve-base.js';
import { gitReadFailed, unknownRevision } from './revision.js';
import { parentsOf, readShallow } from './walk-ancestry.js';

export interface ListRevisionsOptions {
  readonly root: string;
  /** Add the tip of every local branch (refs/heads). */
  readonly allBranches?: boolean;
  /** Add the tip of every remote-tracking branch (refs/remotes): what a fresh clone knows of others' branches. */
  readonly remoteBranches?: boolean;
  /** Add the commit of every tag (annotated tags peeled; tags of trees or blobs are skipped). */
  readonly allTags?: boolean;
  /** Add every commit reachable from HEAD, branches, tags and remote-tracking branches (git rev-list --all). */
  readonly allCommits?: boolean;
  /** Add the commit of every experiment (refs/exps/<baseline>/<name>, written by `pipe exp run`). */
  readonly allExperiments?: boolean;
}

/**
 * Full commit oids, each once, HEAD's commit first (when the repository has one). The workspace is
 * not a commit and is never listed: callers that keep it add it themselves.
 */
export async function listRevisions({ root, allBranches = false, remoteBranches = false, allTags = false, allCommits = false, allExperiments = false }: ListRevisionsOptions): Promise<string[]> {
  const repo = await requireRepo(root);
  const tips: string[] = [];
  const head = await resolveBase(repo, 'HEAD', 'HEAD').catch((err: unknown) => {
    if (isPipeError(err, 'REVISION_UNKNOWN')) return undefined; // no commit yet
    throw err;
  });
  if (head) tips.push(head);
  const under = [
    ...(allBranches || allCommits ? ['refs/heads'] : []),
    ...(allTags || allCommits ? ['refs/tags'] : []),
    ...(allCommits || remoteBranches ? ['refs/remotes'] : []),
    ...(allExperiments ? ['refs/exps'] : []),
  ];
  for (const prefix of under) {
    for (const name of await refNames(repo, prefix)) {
      const commit = await commitOf(repo, `${prefix}/${name}`);
      if (commit) tips.push(commit);
    }
  }
  if (!allCommits) return [...new Set(tips)];
  const shallow = readShallow(repo);
  const seen = new Set<string>();
  const stack = [...tips].reverse();
  for (let oid = stack.pop(); oid !== undefined; oid = stack.pop()) {
    if (seen.has(oid)) continue;
    seen.add(oid);
    if (shallow.has(oid)) continue;
    const parents = await parentsOf(repo, oid);
    for (let i = parents.length - 1; i >= 0; i--) if (!seen.has(parents[i] as string)) stack.push(parents[i] as string);
  }
  return [...seen];
}

/** Local branch names (`main`, `feature/x`), sorted. */
export async function listBranches(root: string): Promise<string[]> {
  return refNames(await requireRepo(root), 'refs/heads');
}

async function requireRepo(root: string): Promise<GitRepo> {
  const repo = await openGitRepo(root);
  if (!repo) throw unknownRevision('HEAD', `${root} is not inside a git repository`);
  return repo;
}

async function refNames(repo: GitRepo, prefix: string): Promise<string[]> {
  try {
    return await repo.git.listRefs({ fs: repo.fs, gitdir: repo.gitdir, filepath: prefix });
  } catch (err) {
    throw gitReadFailed({}, err);
  }
}

/** The commit a ref points at, peeling annotated tags; undefined for a ref to no commit (a tag of a tree or blob). */
async function commitOf(repo: GitRepo, ref: string): Promise<string | undefined> {
  try {
    const oid = await repo.git.resolveRef({ fs: repo.fs, gitdir: repo.gitdir, ref });
    return (await repo.git.readCommit({ fs: repo.fs, gitdir: repo.gitdir, oid, cache: repo.cache })).oid;
  } catch (err) {
    const code = gitErrorCode(err);
    if (code === 'NotFoundError' || code === 'ObjectTypeError') return undefined;
    throw gitReadFailed({ revision: ref }, err);
  }
}
