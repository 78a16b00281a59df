import { readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../../test/helpers/temp-dir.js';
import { ParsedCache } from '../yaml/parsed-cache.js';
import { emptyLock } from './lock.js';
import { parseLock, readLock } from './read-lock.js';

function repoWithLock(text?: string): string {
  const root = tempDir('pipe-read-lock-');
  if (text !== undefined) writeFileSync(join(root, 'data.lock'), text);
  return root;
}

describe('readLock', () => {
  it('reads a missing or empty data.lock as a lock with no stages and no data', async () => {
    expect(await readLock({ root: repoWithLock() })).toEqual(emptyLock());
    expect(await readLock({ root: repoWithLock('') })).toEqual(emptyLock());
  });

  it('fills in what an older or hand-written lock leaves out: empty deps, outs and params', async () => {
    const lock = await readLock({ root: repoWithLock('schema: 1\nstages:\n  train:\n    cmd: node train.js\n') });
    expect(lock).toEqual({ schema: 1, stages: { train: { cmd: 'node train.js', deps: [], outs: [], params: {} } }, data: {} });
  });

  it.each([
    ['data:\n  ../x: {hash: h, size: 1}\n', 'data path "../x" escapes the repository', 3],
    ['data:\n  a/./b: {hash: h, size: 1}\n', 'data path "a/./b" is not a normalised repository path', 3],
    ['stages:\n  s:\n    cmd: x\n    deps: [{path: .git/config, hash: h}]\n', "stage 's': deps path \".git/config\" is inside .git/, which pipe manages", 5],
    ['stages:\n  s:\n    cmd: x\n    params: {/etc/passwd: {a: 1}}\n', "stage 's': params file \"/etc/passwd\" is absolute", 5],
  ])('refuses a path that is not a normalised repository path: %j', async (body, message, line) => {
    await expect(parseLock(`schema: 1\n${body}`)).rejects.toMatchObject({ code: 'LOCK_INVALID', message: expect.stringContaining(message), data: { line } });
  });

  it('names the line and column of a broken entry and says how to recover', async () => {
    const text = 'schema: 1\nstages:\n  train:\n    cmd: x\n    outs: [{path: model.bin}]\n';
    await expect(readLock({ root: repoWithLock(text) })).rejects.toMatchObject({
      code: 'LOCK_INVALID',
      data: { file: 'data.lock', line: 5, column: 11 },
      message: "data.lock:5:11: stage 'train': outs must be a list of {path, hash, size}; restore it from git (git checkout -- data.lock) or delete it to re-run every stage",
    });
  });

  it('reports YAML syntax errors, such as a stage listed twice, as LOCK_INVALID at their line', async () => {
    const text = 'schema: 1\nstages:\n  a: {cmd: x}\n  a: {cmd: y}\n';
    await expect(readLock({ root: repoWithLock(text) })).rejects.toMatchObject({ code: 'LOCK_INVALID', data: { line: 4 }, message: expect.stringContaining("duplicate key 'a'") });
  });

  it('reads an unchanged lock from the parsed cache on the next run, and a changed one from the file', async () => {
    const root = repoWithLock('schema: 1\nstages:\n  a: {cmd: x}\n');
    // A file written within the last second may change again unseen within one mtime tick: only older ones are cached.
    const old = new Date(Date.now() - 60_000);
    utimesSync(join(root, 'data.lock'), old, old);
    const dir = tempDir('pipe-read-lock-cache-');
    const first = new ParsedCache(dir);
    await readLock({ root, cache: first });
    first.save();
    // A value the file never held proves the second read came from the cache.
    writeFileSync(join(dir, 'parsed.json'), readFileSync(join(dir, 'parsed.json'), 'utf8').replace('"cmd":"x"', '"cmd":"from-cache"'));
    expect((await readLock({ root, cache: new ParsedCache(dir) })).stages.a?.cmd).toBe('from-cache');
    writeFileSync(join(root, 'data.lock'), 'schema: 1\nstages:\n  a: {cmd: changed}\n');
    expect((await readLock({ root, cache: new ParsedCache(dir) })).stages.a?.cmd).toBe('changed');
  });
});

describe('readLock and the parsed cache', () => {
  it('still checks a data.lock value another reader remembered (a params file named data.lock)', async () => {
    const root = repoWithLock('schema: 1\nstages:\n  a: {cmd: x, outs: [{path: ../outside, hash: h}]}\n');
    const old = new Date(Date.now() - 60_000);
    utimesSync(join(root, 'data.lock'), old, old);
    const cache = new ParsedCache(tempDir('pipe-read-lock-cache-'));
    const { ParamsFiles } = await import('../pipeline/load-params.js');
    await new ParamsFiles(root, cache, false).load('data.lock');
    await expect(readLock({ root, cache })).rejects.toMatchObject({ code: 'LOCK_INVALID', message: expect.stringContaining('escapes the repository') });
  });
});

describe('parseLock', () => {
  it('names the file it was given (a lock read from a git revision) in its errors', async () => {
    await expect(parseLock('schema: [', 'HEAD~1:data.lock')).rejects.toMatchObject({ code: 'LOCK_INVALID', data: { file: 'HEAD~1:data.lock' } });
  });
});
