import { execFileSync } from 'node:child_process';
import { readdirSync, rmSync, statSync, watch, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../../test/helpers/temp-dir.js';
import { waitUntil } from '../../test/helpers/wait-until.js';
import { commitDates, refExists, writeCommitObject, writeRefFile } from './write-commit.js';

function repo(): { dir: string; git: (...args: string[]) => string; env: NodeJS.ProcessEnv } {
  const dir = tempDir('pipe-write-commit-');
  const env = { ...process.env, GIT_AUTHOR_NAME: 'Ann', GIT_AUTHOR_EMAIL: 'ann@example.com', GIT_COMMITTER_NAME: 'Bo', GIT_COMMITTER_EMAIL: 'bo@example.com', GIT_AUTHOR_DATE: '1700000000 +0100', GIT_COMMITTER_DATE: '@1700000123 -0530' };
  const git = (...args: string[]) => execFileSync('git', args, { cwd: dir, env, encoding: 'utf8' }).trim();
  git('init', '-q');
  writeFileSync(join(dir, 'f'), 'x');
  git('add', 'f');
  git('commit', '-qm', 'base');
  return { dir, git, env };
}

describe('writeCommitObject', () => {
  it('writes the very commit git commit-tree writes for the same tree, parent, message, people and dates', async () => {
    const { dir, git, env } = repo();
    const tree = git('rev-parse', 'HEAD^{tree}');
    const parent = git('rev-parse', 'HEAD');
    const message = 'pipe exp: a\n\ntrain.lr=0.1\n';
    const expected = execFileSync('git', ['commit-tree', tree, '-p', parent, '-F', '-'], { cwd: dir, env, input: message, encoding: 'utf8' }).trim();
    const dates = commitDates(env);
    expect(dates).toEqual({ author: { timestamp: 1700000000, timezoneOffset: -60 }, committer: { timestamp: 1700000123, timezoneOffset: 330 } });
    const oid = await writeCommitObject(dir, { tree, parents: [parent], message, author: { name: 'Ann', email: 'ann@example.com' }, committer: { name: 'Bo', email: 'bo@example.com' } }, dates as NonNullable<typeof dates>);
    expect(oid).toBe(expected);
    expect(git('cat-file', '-t', oid)).toBe('commit');
  });

  it('writes names and emails as git does: a <, > or newline in them does not make a commit git fsck rejects', async () => {
    const { dir, git, env } = repo();
    const tree = git('rev-parse', 'HEAD^{tree}');
    const parent = git('rev-parse', 'HEAD');
    const dates = commitDates(env) as NonNullable<ReturnType<typeof commitDates>>;
    for (const [name, email] of [['Ann <x> Lee', 'ann@example.com'], [' "Bo", ', '<bo@example.com>'], ['Cy\nparent 0000000000000000000000000000000000000000', 'cy@example.com']] as const) {
      const people = { GIT_AUTHOR_NAME: name, GIT_COMMITTER_NAME: name, GIT_AUTHOR_EMAIL: email, GIT_COMMITTER_EMAIL: email };
      const expected = execFileSync('git', ['commit-tree', tree, '-p', parent, '-F', '-'], { cwd: dir, env: { ...env, ...people }, input: 'm\n', encoding: 'utf8' }).trim();
      const oid = await writeCommitObject(dir, { tree, parents: [parent], message: 'm\n', author: { name, email }, committer: { name, email } }, dates);
      expect(oid).toBe(expected);
    }
    expect(execFileSync('sh', ['-c', 'git fsck --strict --no-dangling 2>&1'], { cwd: dir, encoding: 'utf8' })).not.toMatch(/error/);
  });

  it('writes the object whole under a temporary name, read-only as git writes objects, leaving nothing else beside it', async () => {
    const { dir, git, env } = repo();
    const tree = git('rev-parse', 'HEAD^{tree}');
    const oid = await writeCommitObject(dir, { tree, parents: [], message: 'm\n', author: { name: 'A', email: 'a@x' }, committer: { name: 'A', email: 'a@x' } }, commitDates(env) as NonNullable<ReturnType<typeof commitDates>>);
    const fanout = join(dir, '.git', 'objects', oid.slice(0, 2));
    expect(readdirSync(fanout)).toEqual([oid.slice(2)]);
    expect(statSync(join(fanout, oid.slice(2))).mode & 0o777).toBe(0o444);
    expect(git('cat-file', '-t', oid)).toBe('commit');
  });

  it("writes the object through a temporary file git itself would name (tmp_obj_*): one a kill leaves behind is pruned by git gc, not reported by fsck as a 'bad sha1 file'", async () => {
    const { dir, git, env } = repo();
    const tree = git('rev-parse', 'HEAD^{tree}');
    const commit = { tree, parents: [], message: 'm\n', author: { name: 'A', email: 'a@x' }, committer: { name: 'A', email: 'a@x' } };
    const dates = commitDates(env) as NonNullable<ReturnType<typeof commitDates>>;
    const oid = await writeCommitObject(dir, commit, dates);
    const fanout = join(dir, '.git', 'objects', oid.slice(0, 2));
    rmSync(join(fanout, oid.slice(2)), { force: true });
    // Every name that appears in the fanout directory while the object is written again.
    const seen = new Set<string>();
    const watcher = watch(fanout, (_event, name) => name && seen.add(name.toString()));
    try {
      expect(await writeCommitObject(dir, commit, dates)).toBe(oid);
      await waitUntil(() => seen.has(oid.slice(2)), 'the object to appear');
    } finally {
      watcher.close();
    }
    expect([...seen].filter((name) => name !== oid.slice(2) && !/^tmp_obj_/.test(name))).toEqual([]);
    expect(readdirSync(fanout)).toEqual([oid.slice(2)]);
  });

  it('leaves a date git reads in another form to git (commitDates says so)', () => {
    expect(commitDates({ GIT_AUTHOR_DATE: '2023-11-14T22:13:20Z' })).toBeUndefined();
    expect(commitDates({})?.author.timestamp).toBeGreaterThan(1_700_000_000);
  });
});

describe('writeRefFile', () => {
  it('creates a ref git reads, refuses to replace it unless asked, and yields to a process holding its lock', async () => {
    const { dir, git } = repo();
    const [a, b] = [git('rev-parse', 'HEAD'), git('commit-tree', git('rev-parse', 'HEAD^{tree}'), '-m', 'other')];
    const ref = 'refs/exps/base/one';
    expect(await refExists(dir, ref)).toBe(false);
    expect(await writeRefFile(dir, ref, a)).toBe(true);
    expect(git('rev-parse', ref)).toBe(a);
    expect(await writeRefFile(dir, ref, b as string)).toBe(false);
    expect(git('rev-parse', ref)).toBe(a);
    expect(await writeRefFile(dir, ref, b as string, { replace: true })).toBe(true);
    expect(git('rev-parse', ref)).toBe(b);
    // A packed ref exists too.
    git('pack-refs', '--all');
    expect(await writeRefFile(dir, ref, a)).toBe(false);
    // Another process updating the ref (git's lock file) wins; nothing is left behind.
    writeFileSync(join(dir, '.git', 'refs', 'exps', 'base', 'two.lock'), '');
    expect(await writeRefFile(dir, 'refs/exps/base/two', a)).toBe(false);
    expect(git('for-each-ref', '--format=%(refname)', 'refs/exps/')).toBe(ref);
  });
});
