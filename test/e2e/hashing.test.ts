/** @module What counts as a change of a dep: directory contents (hidden files, new files, exec bits), symlinks; the stat state. */
import { chmodSync, existsSync, readFileSync, utimesSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { countRun, makeRepo, removeRepos, template, type Repo } from '../helpers/repo.js';

afterAll(removeRepos);

const sha256 = (text: string) => `sha256:${createHash('sha256').update(text).digest('hex')}`;

/** A stage `use` depending on the directory `data` (which holds a hidden file and a script). */
const dirDepRepo = template(async (): Promise<Repo> => {
  const repo = makeRepo({
    'data/a.txt': 'a\n',
    'data/.hidden': 'secret\n',
    'data/sub/run.sh': { content: 'echo run\n', mode: 0o644 },
  });
  repo.stages({ use: { cmd: `${countRun('use')} && ls -R data > listing.txt`, deps: ['data'], outs: ['listing.txt'] } });
  const r = await repo.pipe(['repro']);
  expect(r.code, r.stderr).toBe(0);
  return repo;
});

const depHash = (repo: Repo) => repo.lock().stages.use?.deps[0]?.hash;

/** Re-runs repro and checks that `use` ran again because `data` changed, with a new hash locked. */
async function expectDirChanged(repo: Repo, hashBefore: string | undefined): Promise<void> {
  const r = await repo.pipe(['repro']);
  expect(r.code, r.stderr).toBe(0);
  expect(r.stdout).toMatch(/^use: running because dep data modified$/m);
  expect(repo.count('use')).toBe(2);
  expect(depHash(repo)).toMatch(/^sha256:[0-9a-f]{64}\.dir$/);
  expect(depHash(repo)).not.toBe(hashBefore);
}

describe('hashing', () => {
  it('a directory dep changes when a hidden file inside it changes', async () => {
    const repo = await dirDepRepo();
    const before = depHash(repo);
    repo.write('data/.hidden', 'SECRET\n'); // same size, different bytes
    await expectDirChanged(repo, before);
  });

  it('a directory dep changes when a file is added', async () => {
    const repo = await dirDepRepo();
    const before = depHash(repo);
    expect(repo.lock().stages.use?.deps[0]?.nfiles).toBe(3);
    repo.write('data/sub/new.txt', '');
    await expectDirChanged(repo, before);
    expect(repo.lock().stages.use?.deps[0]?.nfiles).toBe(4);
  });

  it("a directory dep changes when a file's exec bit changes", async () => {
    const repo = await dirDepRepo();
    const before = depHash(repo);
    chmodSync(repo.path('data/sub/run.sh'), 0o755);
    await expectDirChanged(repo, before);
  });

  it('an untouched directory dep keeps its hash across runs', async () => {
    const repo = await dirDepRepo();
    const before = depHash(repo);
    const r = await repo.pipe(['repro']);
    expect(r.stdout).toMatch(/^use: skipped \(up to date\)$/m);
    expect(depHash(repo)).toBe(before);
  });

  it('a symlinked file dep hashes as its content, and changing the target re-runs the stage', async () => {
    const repo = makeRepo({ 'real/source.txt': 'v1\n', 'in.txt': { symlink: 'real/source.txt' } });
    repo.stages({ use: { cmd: `${countRun('use')} && cat in.txt > out.txt`, deps: ['in.txt'], outs: ['out.txt'] } });
    expect((await repo.pipe(['repro'])).code).toBe(0);
    expect(repo.lock().stages.use?.deps).toEqual([{ path: 'in.txt', hash: sha256('v1\n'), size: 3 }]);

    repo.write('real/source.txt', 'v2\n');
    const r = await repo.pipe(['repro']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^use: running because dep in\.txt modified$/m);
    expect(repo.read('out.txt')).toBe('v2\n');
    expect(repo.lock().stages.use?.deps[0]?.hash).toBe(sha256('v2\n'));
  });

  it('a symlink inside a directory dep is followed', async () => {
    const repo = makeRepo({ 'elsewhere/target.txt': 'v1\n', 'data/link.txt': { symlink: '../elsewhere/target.txt' }, 'data/plain.txt': 'p\n' });
    repo.stages({ use: { cmd: `${countRun('use')} && cat data/link.txt > out.txt`, deps: ['data'], outs: ['out.txt'] } });
    expect((await repo.pipe(['repro'])).code).toBe(0);
    expect(repo.lock().stages.use?.deps[0]?.nfiles).toBe(2);
    repo.write('elsewhere/target.txt', 'v2\n');
    const r = await repo.pipe(['repro']);
    expect(r.stdout).toMatch(/^use: running because dep data modified$/m);
    expect(repo.read('out.txt')).toBe('v2\n');
  });

  it('a dangling symlink inside a directory dep is an error naming it', async () => {
    const repo = await dirDepRepo();
    repo.write('data/broken', { symlink: 'does-not-exist' });
    const r = await repo.pipe(['repro']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/data\/broken.*dangling symlink/);
    expect(repo.count('use')).toBe(1);
    const s = await repo.pipe(['status']);
    expect(s.code).not.toBe(0);
    expect(s.stderr).toMatch(/data\/broken.*dangling symlink/);
    expect(s.stderr).not.toMatch(/internal error/);
  });

  // The stat state lives in .pipe/tmp/state/ (docs/formats.md: paths.json and files-<id>.json).
  it('an out written just before it is hashed is not remembered (racily clean), so it is re-read next time', async () => {
    // A first stage with no deps (a download, say): its out is always written just before it is hashed.
    const repo = makeRepo();
    repo.stages({ fetch: { cmd: 'echo data > out.txt', outs: ['out.txt'] } });
    const r = await repo.pipe(['repro']);
    expect(r.code, r.stderr).toBe(0);
    const paths = repo.path('.pipe/tmp/state/paths.json');
    expect(existsSync(paths) ? readFileSync(paths, 'utf8') : '').not.toContain('"out.txt"');
  });

  it('the stat state records the hash of each dep that was not modified just before the run', async () => {
    const repo = makeRepo({ 'in.txt': 'in\n', 'dir/a.txt': 'a\n' });
    repo.stages({ copy: { cmd: 'cp in.txt out.txt', deps: ['in.txt', 'dir'], outs: ['out.txt'] } });
    // Files written within the last second are "racily clean" and deliberately not recorded.
    const old = new Date(Date.now() - 60_000);
    utimesSync(repo.path('in.txt'), old, old);
    utimesSync(repo.path('dir/a.txt'), old, old);
    expect((await repo.pipe(['repro'])).code).toBe(0);
    const paths = readFileSync(repo.path('.pipe/tmp/state/paths.json'), 'utf8');
    expect(paths).toContain('"in.txt"');
    expect(paths).toContain(sha256('in\n'));
    expect(paths).toContain(repo.lock().stages.copy?.deps.find((d) => d.path === 'dir')?.hash);
  });
});
