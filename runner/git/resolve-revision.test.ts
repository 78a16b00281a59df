import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { commitAll, git } from '../../test/helpers/git.js';
import { makeRepo, removeRepos, type Repo } from '../../test/helpers/repo.js';
import { tempDir } from '../../test/helpers/temp-dir.js';
import { isPipeError } from '../errors.js';
import { listRevisions } from './list-revisions.js';
import { readFileAtRevision } from './read-file-at-revision.js';
import { readLockAtRevision } from '../lockfile/read-lock-at-revision.js';
import { resolveRevision } from './resolve-revision.js';

afterAll(removeRepos);

/**
 * History (main):  c1 ── c2 ── M ── c3 (HEAD)
 *                    \        /
 *  side:              s1 ────
 * c1 has a lightweight tag `light` and an annotated tag `annotated`; `treetag` tags c3's tree;
 * origin/dev is a remote-tracking ref at c2; a branch is named `objects` (at c2), like a directory of .git/.
 */
let repo: Repo;
let packed: Repo;
const oid: Record<'c1' | 'c2' | 's1' | 'M' | 'c3', string> = { c1: '', c2: '', s1: '', M: '', c3: '' };
const head = (r: Repo) => git(r, 'rev-parse', 'HEAD').trim();

beforeAll(() => {
  repo = makeRepo({ 'm.json': '{"v": 1}\n', 'sub/pipeline.yaml': 'stages: {}\n', 'sub/p.yaml': 'a: 1\n' });
  git(repo, 'checkout', '-q', '-b', 'main');
  commitAll(repo, 'c1');
  oid.c1 = head(repo);
  git(repo, 'tag', 'light');
  git(repo, 'tag', '-a', 'annotated', '-m', 'an annotated tag');
  repo.write('m.json', '{"v": 2}\n');
  commitAll(repo, 'c2');
  oid.c2 = head(repo);
  git(repo, 'checkout', '-q', '-b', 'side', oid.c1);
  repo.write('side.txt', 'side\n');
  repo.write('data.lock', 'schema: 2\n');
  commitAll(repo, 's1');
  oid.s1 = head(repo);
  git(repo, 'checkout', '-q', 'main');
  git(repo, 'merge', '-q', '--no-ff', '-m', 'M', 'side');
  oid.M = head(repo);
  repo.write('m.json', '{"v": 3}\n');
  repo.write('data.lock', 'schema: 1\nstages: {}\ndata:\n  raw.csv: {hash: "sha256:00", size: 1}\n');
  commitAll(repo, 'c3');
  oid.c3 = head(repo);
  git(repo, 'tag', 'treetag', 'HEAD^{tree}');
  git(repo, 'update-ref', 'refs/remotes/origin/dev', oid.c2);
  git(repo, 'branch', 'objects', oid.c2);
  // The same repository with every ref in packed-refs and every object in a packfile.
  packed = repo.clone();
  git(packed, 'pack-refs', '--all');
  git(packed, 'gc', '-q', '--prune=now');
});

describe.each([
  ['loose refs and objects', () => repo],
  ['packed refs and a packfile', () => packed],
])('resolveRevision with %s', (_, r) => {
  it.each([
    ['HEAD', 'c3'],
    ['@', 'c3'],
    ['main', 'c3'],
    ['refs/heads/main', 'c3'],
    ['heads/main', 'c3'],
    ['HEAD^', 'M'],
    ['HEAD~1', 'M'],
    ['HEAD~2', 'c2'],
    ['HEAD^^', 'c2'],
    ['HEAD~3', 'c1'],
    ['HEAD~1^2', 's1'],
    ['HEAD^0', 'c3'],
    ['side', 's1'],
    ['side~1', 'c1'],
    ['origin/dev', 'c2'],
    ['light', 'c1'],
    ['annotated', 'c1'],
    ['annotated^{}', 'c1'],
    ['objects', 'c2'],
  ] as const)('%s is %s', async (rev, commit) => {
    expect(await resolveRevision(r().dir, rev)).toEqual({ name: rev, commit: oid[commit] });
  });

  it('reads full and abbreviated commit ids', async () => {
    expect((await resolveRevision(r().dir, oid.c2)).commit).toBe(oid.c2);
    expect((await resolveRevision(r().dir, oid.c2.slice(0, 7))).commit).toBe(oid.c2);
    expect((await resolveRevision(r().dir, `${oid.c2.slice(0, 10)}~1`)).commit).toBe(oid.c1);
  });

  it.each([
    ['nope', /^unknown revision 'nope': not a branch, tag or commit in this repository$/],
    ['HEAD~4', /goes back past the first commit/],
    ['HEAD^2', /commit [0-9a-f]{12} has 1 parent, so no parent 2/],
    ['treetag', /'treetag' names a tree, not a commit/],
    ['0123456789012345678901234567890123456789', /there is no commit 0123456789012345678901234567890123456789/],
    ['beef0', /not a branch, tag or commit/],
  ])('%s is an unknown revision', async (rev, message) => {
    const err = await resolveRevision(r().dir, rev).catch((e: unknown) => e);
    expect(isPipeError(err, 'REVISION_UNKNOWN')).toBe(true);
    expect((err as Error).message).toMatch(message);
    expect((err as { data: { revision: string } }).data.revision).toBe(rev);
  });

  it('reads files at a revision without touching the workspace, and says when one is absent', async () => {
    expect(await readFileAtRevision(r().dir, 'HEAD~3', 'm.json')).toEqual({ found: true, text: '{"v": 1}\n' });
    expect(await readFileAtRevision(r().dir, 'light', 'm.json')).toEqual({ found: true, text: '{"v": 1}\n' });
    expect(await readFileAtRevision(r().dir, 'side', 'side.txt')).toEqual({ found: true, text: 'side\n' });
    expect(await readFileAtRevision(r().dir, 'main~2', 'side.txt')).toEqual({ found: false, reason: 'absent' });
    expect(await readFileAtRevision(r().dir, 'HEAD', 'no/such/file.json')).toEqual({ found: false, reason: 'absent' });
    expect(await readFileAtRevision(r().dir, 'HEAD', 'sub')).toEqual({ found: false, reason: 'not-a-file' });
    expect(r().read('m.json')).toBe('{"v": 3}\n');
  });

  it('lists HEAD, branch tips, tag commits, or every reachable commit', async () => {
    expect(await listRevisions({ root: r().dir })).toEqual([oid.c3]);
    expect(new Set(await listRevisions({ root: r().dir, allBranches: true }))).toEqual(new Set([oid.c3, oid.c2, oid.s1]));
    expect(new Set(await listRevisions({ root: r().dir, allTags: true }))).toEqual(new Set([oid.c3, oid.c1]));
    const all = await listRevisions({ root: r().dir, allCommits: true });
    expect(all[0]).toBe(oid.c3);
    expect(new Set(all)).toEqual(new Set(Object.values(oid)));
    expect(all).toHaveLength(5);
  });

  it('reads data.lock at a revision: empty where there is none, LOCK_INVALID naming the revision when broken', async () => {
    expect((await readLockAtRevision(r().dir, 'HEAD')).data).toEqual({ 'raw.csv': { hash: 'sha256:00', size: 1 } });
    expect(await readLockAtRevision(r().dir, 'HEAD~3')).toEqual({ schema: 1, stages: {}, data: {} });
    const err = await readLockAtRevision(r().dir, 'side').catch((e: unknown) => e);
    expect(isPipeError(err, 'LOCK_INVALID')).toBe(true);
    expect((err as Error).message).toMatch(/^at revision side: data\.lock:1:9: unsupported schema 2/);
  });
});

describe('git reads around the edges', () => {
  it('the packed repository really has no loose refs or objects', () => {
    expect(existsSync(packed.path('.git/refs/heads/main'))).toBe(false);
    expect(git(packed, 'count-objects', '-v')).toMatch(/^count: 0$/m);
  });

  it('the workspace is a revision with no commit; it reads the working tree', async () => {
    expect(await resolveRevision(repo.dir, 'workspace')).toEqual({ name: 'workspace' });
    expect(await readFileAtRevision(repo.dir, 'workspace', 'm.json')).toEqual({ found: true, text: '{"v": 3}\n' });
    expect(await readFileAtRevision(repo.dir, 'workspace', 'gone.json')).toEqual({ found: false, reason: 'absent' });
  });

  it('reads paths relative to a pipe root in a subdirectory of the work tree', async () => {
    const sub = join(repo.dir, 'sub');
    expect(await readFileAtRevision(sub, 'HEAD~3', 'p.yaml')).toEqual({ found: true, text: 'a: 1\n' });
    expect(await readFileAtRevision(sub, 'HEAD', 'm.json')).toEqual({ found: false, reason: 'absent' });
  });

  it('reads a linked work tree (git worktree add): its own HEAD, the shared refs and objects', async () => {
    const wt = join(tempDir('pipe-worktree-'), 'wt');
    git(repo, 'worktree', 'add', '-q', wt, 'side');
    expect(await resolveRevision(wt, 'HEAD')).toEqual({ name: 'HEAD', commit: oid.s1 });
    expect(await resolveRevision(wt, 'main~1')).toEqual({ name: 'main~1', commit: oid.M });
    expect(await readFileAtRevision(wt, 'HEAD', 'side.txt')).toEqual({ found: true, text: 'side\n' });
    expect(await listRevisions({ root: wt })).toEqual([oid.s1]);
    git(repo, 'worktree', 'remove', '--force', wt);
  });

  it('says when there is no git repository, or no commit yet', async () => {
    const plain = tempDir('pipe-nogit-');
    const err = await resolveRevision(plain, 'HEAD').catch((e: unknown) => e);
    expect(isPipeError(err, 'REVISION_UNKNOWN')).toBe(true);
    expect((err as Error).message).toMatch(/is not inside a git repository/);
    const empty = makeRepo({ 'pipeline.yaml': 'stages: {}\n' });
    const unborn = await resolveRevision(empty.dir, 'HEAD').catch((e: unknown) => e);
    expect((unborn as Error).message).toBe("unknown revision 'HEAD': the repository has no commits yet");
    expect(await listRevisions({ root: empty.dir, allCommits: true })).toEqual([]);
  });
});
