/** @module Issue #13 item 1: paths in data.lock (data keys, stage deps and outs) leaving the repository or entering .git/ or .pipe/ are refused when the lock is read. */
import { describe, expect, it } from 'vitest';
import { hostileRepo, inHostile, putDirectory, putObject, sha256 } from './hostile-repo.js';

describe('data.lock paths in an attacker’s repository', () => {
  it('pull refuses a data key that climbs out of the repository (exit 2, naming it) and writes nothing outside', async () => {
    const h = hostileRepo();
    const hash = putObject(h.remote, '#!/bin/sh\necho pwned\n', { mode: 0o555 });
    h.repo.write('data.lock', `schema: 1\nstages: {}\ndata:\n  ../outside/planted: {hash: '${hash}', size: 21}\n`);
    const r = await inHostile(h, ['pull']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('../outside/planted');
    expect(r.stderr).toMatch(/data\.lock:\d+:\d+/);
  });

  it('pull --force refuses a data key inside .git/ (no hook is installed)', async () => {
    const h = hostileRepo();
    const hash = putDirectory(h.remote, { 'pre-commit': '#!/bin/sh\ntouch ../outside/hooked\n' }, { exec: true });
    h.repo.write('data.lock', `schema: 1\nstages: {}\ndata:\n  .git/hooks: {hash: '${hash}', size: 35, nfiles: 1}\n`);
    const r = await inHostile(h, ['pull', '--force']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('.git/hooks');
  });

  it.each([
    ['an absolute data key', `data:\n  /tmp/x: {hash: 'sha256:${sha256('x')}', size: 1}\n`, '/tmp/x'],
    ['a data key inside .pipe/', `data:\n  .pipe/config.local.yaml: {hash: 'sha256:${sha256('x')}', size: 1}\n`, '.pipe/config.local.yaml'],
    ['a stage out that climbs out', `stages:\n  s:\n    cmd: 'true'\n    deps: []\n    outs: [{path: ../outside/victim.txt, hash: 'sha256:${sha256('x')}', size: 1}]\n`, '../outside/victim.txt'],
    ['a stage dep that climbs out', `stages:\n  s:\n    cmd: 'true'\n    deps: [{path: a/../../x, hash: 'sha256:${sha256('x')}', size: 1}]\n    outs: []\n`, 'a/../../x'],
  ])('checkout and status refuse %s at load time (exit 2, naming it)', async (_what, body, named) => {
    const h = hostileRepo({ files: { 'pipeline.yaml': "stages:\n  s: {cmd: 'true', outs: [o.txt]}\n" } });
    h.repo.write('data.lock', `schema: 1\n${body}`);
    for (const cmd of [['checkout', '--force'], ['status']]) {
      const r = await inHostile(h, cmd);
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr).toContain(named);
    }
  });

  it('checkout never deletes an outside path that a planted workspace record says pipe placed', async () => {
    const h = hostileRepo();
    // .pipe/tmp/ is git-ignored, but an attacker can commit it all the same.
    h.repo.write('.pipe/tmp/workspace.json', JSON.stringify({ '../outside/victim.txt': `sha256:${sha256('precious\n')}`, '../outside/dir': 'sha256:x.dir' }));
    const r = await inHostile(h, ['checkout']);
    expect(r.code, r.stderr).toBe(0);
  });
});
