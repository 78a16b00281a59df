/** @module The stat state trusts a remembered hash only while a file's stats are unchanged: ctime too, as git does. */
import { utimesSync, writeFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { makeRepo, ok, removeRepos, type Repo } from '../helpers/repo.js';

afterAll(removeRepos);

/** An hour ago: old enough that the state remembers the files (not racily clean). */
const HOUR_AGO = new Date(Date.now() - 3_600_000);

/**
 * Rewrites a file with new bytes of the same size and puts its mtime back, as `cp -p` or `touch
 * -d` would: in place (same inode), or `replace` as a new file (what an editor saves; a file
 * linked into the cache must not be written through).
 */
function editKeepingMtime(repo: Repo, rel: string, text: string, { replace = false } = {}): void {
  const before = repo.read(rel);
  expect(text.length).toBe(before.length);
  if (replace) repo.write(rel, text);
  else writeFileSync(repo.path(rel), text);
  utimesSync(repo.path(rel), HOUR_AGO, HOUR_AGO);
}

describe('stat state', () => {
  it('notices a same-size edit whose mtime was put back, in a dep file, a dep directory and params.yaml', async () => {
    const repo = makeRepo({ 'in.txt': 'aaaa\n', 'd/x.txt': 'bbbb\n', 'params.yaml': 'p: 1\n' });
    for (const rel of ['in.txt', 'd/x.txt', 'params.yaml']) utimesSync(repo.path(rel), HOUR_AGO, HOUR_AGO);
    repo.stages({ s: { cmd: 'cat in.txt d/x.txt > out.txt', deps: ['in.txt', 'd'], params: ['p'], outs: ['out.txt'] } });
    await ok(repo, ['repro']);
    // Twice: the second status answers from the state alone.
    expect((await ok(repo, ['status'])).stdout).toMatch(/Everything is up to date/);
    expect((await ok(repo, ['status'])).stdout).toMatch(/Everything is up to date/);

    editKeepingMtime(repo, 'in.txt', 'cccc\n');
    editKeepingMtime(repo, 'd/x.txt', 'dddd\n');
    editKeepingMtime(repo, 'params.yaml', 'p: 2\n');
    const st = await ok(repo, ['status']);
    expect(st.stdout).toMatch(/dep in\.txt modified/);
    expect(st.stdout).toMatch(/dep d modified/);
    expect(st.stdout).toMatch(/param p changed from 1 to 2/);
  });

  it('notices such an edit of tracked data, and of a cached out, once pipe has stored them', async () => {
    const repo = makeRepo({ 'raw/a.txt': 'aaaa\n' });
    utimesSync(repo.path('raw/a.txt'), HOUR_AGO, HOUR_AGO);
    repo.stages({ s: { cmd: 'echo result > out.txt', outs: ['out.txt'] } });
    await ok(repo, ['add', 'raw']);
    await ok(repo, ['repro']);
    utimesSync(repo.path('out.txt'), HOUR_AGO, HOUR_AGO);
    expect((await ok(repo, ['status'])).stdout).toMatch(/Everything is up to date/);
    expect((await ok(repo, ['status'])).stdout).toMatch(/Everything is up to date/);
    // A new file (not through the link into the cache), same size, old mtime.
    editKeepingMtime(repo, 'raw/a.txt', 'zzzz\n', { replace: true });
    editKeepingMtime(repo, 'out.txt', 'RESULT\n', { replace: true });
    const st = await ok(repo, ['status']);
    expect(st.stdout).toMatch(/raw: tracked data modified/);
    expect(st.stdout).toMatch(/out out\.txt modified/);
  });
});
