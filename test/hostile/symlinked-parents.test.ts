/** @module Issue #13 item 2: a committed symlink among an out's parent directories (`models -> ../outside`) never leads pipe to write, delete, chmod or link a file outside the repository. */
import { lstatSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { expectNowhereInRepo, hostileRepo, inHostile, putObject, SECRET } from './hostile-repo.js';

const PIPELINE = "stages:\n  train:\n    cmd: 'echo trained > log.txt'\n    outs: [models/victim.txt]\n";

/** `models -> ../outside`, and a lock whose train stage made models/victim.txt with other bytes than the user's file. */
function attackerRepo() {
  const h = hostileRepo({ files: { 'pipeline.yaml': PIPELINE, models: { symlink: '../outside' } } });
  const evil = 'overwritten\n';
  const hash = putObject(h.remote, evil);
  putObject(h.repo.path('.pipe/cache'), evil);
  h.repo.write('data.lock', `schema: 1\nstages:\n  train:\n    cmd: 'echo trained > log.txt'\n    deps: []\n    outs: [{path: models/victim.txt, hash: '${hash}', size: ${evil.length}}]\n`);
  return h;
}

describe('an out below a symlink that leads out of the repository', () => {
  it.each([['pull'], ['pull', '--force'], ['checkout', '--force'], ['fetch']])('pipe %s leaves the outside file alone', async (...args) => {
    const h = attackerRepo();
    const r = await inHostile(h, args);
    if (args[0] === 'fetch') return expect(r.code, r.stderr).toBe(0);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toContain("'models/victim.txt' leads through a symlink to");
    expect(r.stderr).toContain('outside the repository');
  });

  it('repro neither deletes the outside file before running nor stores it afterwards; the stage does not run', async () => {
    const h = attackerRepo();
    h.repo.write('data.lock', 'schema: 1\n');
    const r = await inHostile(h, ['repro']);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toContain("'models/victim.txt' leads through a symlink to");
    expect(h.repo.exists('log.txt')).toBe(false);
  });

  it('add of a path below the symlink is refused (the outside file is not made read-only or linked into the cache)', async () => {
    const h = hostileRepo({ files: { models: { symlink: '../outside' } } });
    const r = await inHostile(h, ['add', 'models/victim.txt']);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toContain('outside the repository');
  });

  it('add of a directory holding a symlink to an outside directory stores copies: the outside files keep their mode and links', async () => {
    const h = hostileRepo({ files: { 'data/own.csv': 'a,b\n', 'data/ext': { symlink: '../../outside/dir' } } });
    const r = await inHostile(h, ['add', 'data']);
    expect(r.code, r.stderr).toBe(0);
    expect(lstatSync(h.repo.path('data/ext')).isSymbolicLink()).toBe(true);
  });

  it('a .gitignore committed as a symlink to an outside file is refused, not copied into the repository with the managed block', async () => {
    const h = hostileRepo({ files: { '.gitignore': { symlink: '../outside/dir/secret.json' }, 'raw.csv': 'a\n' } });
    const r = await inHostile(h, ['add', 'raw.csv']);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toContain("'.gitignore' leads through a symlink to");
    expectNowhereInRepo(h, SECRET);
  });

  it('add of a symlink to an outside directory stores copies of its files', async () => {
    const h = hostileRepo({ files: { ext: { symlink: '../outside/dir' } } });
    const r = await inHostile(h, ['add', 'ext']);
    expect(r.code, r.stderr).toBe(0);
  });
});
