/** @module Issue #13 items 5 and 13: unprotect (the command, and repro's for persistent outs) never copies an outside file in, replaces one, or crashes on a symlinked directory. */
import { lstatSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { expectNowhereInRepo, hostileRepo, inHostile, SECRET } from './hostile-repo.js';

describe('persistent outs that are symlinks out of the repository (item 5)', () => {
  it('repro refuses a persistent metrics file linked to an outside file: the secret is never copied in, shown or locked', async () => {
    const h = hostileRepo({
      files: {
        'pipeline.yaml': "stages:\n  score:\n    cmd: 'true'\n    metrics:\n      - m.json: {persist: true}\n",
        'm.json': { symlink: '../outside/dir/secret.json' },
      },
    });
    const r = await inHostile(h, ['repro']);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toContain("'m.json' leads through a symlink to");
    expect(r.stderr).toContain('outside the repository');
    expect(lstatSync(h.repo.path('m.json')).isSymbolicLink()).toBe(true);
    expectNowhereInRepo(h, SECRET);
    const shown = await inHostile(h, ['metrics', 'show']);
    expect(shown.stdout + shown.stderr).not.toContain(SECRET);
  });

  it('repro refuses a persistent out below a symlinked directory', async () => {
    const h = hostileRepo({
      files: {
        'pipeline.yaml': "stages:\n  grow:\n    cmd: 'true'\n    outs:\n      - state/victim.txt: {persist: true}\n",
        state: { symlink: '../outside' },
      },
    });
    const r = await inHostile(h, ['repro']);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toContain("'state/victim.txt' leads through a symlink to");
  });
});

describe('pipe unprotect (item 13)', () => {
  it('refuses a path below a symlink to an outside directory: the outside read-only file is not replaced', async () => {
    const h = hostileRepo({ files: { models: { symlink: '../outside' } } });
    const r = await inHostile(h, ['unprotect', 'models/readonly.txt']);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toContain("'models/readonly.txt' leads through a symlink to");
  });

  it('refuses a symlink to an outside file, and to an outside directory: nothing is copied in', async () => {
    const h = hostileRepo({ files: { 'leak.json': { symlink: '../outside/dir/secret.json' }, ext: { symlink: '../outside/dir' } } });
    for (const path of ['leak.json', 'ext']) {
      const r = await inHostile(h, ['unprotect', path]);
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr).toContain(`'${path}' leads through a symlink to`);
    }
    expectNowhereInRepo(h, SECRET);
  });

  it('refuses a symlink into .pipe/ (a remote’s credentials)', async () => {
    const h = hostileRepo({ files: { '.pipe/config.local.yaml': 'secret_access_key: hunter2\n', creds: { symlink: '.pipe/config.local.yaml' } } });
    const r = await inHostile(h, ['unprotect', 'creds']);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toContain("'creds' leads through a symlink into .pipe/");
    expect(lstatSync(h.repo.path('creds')).isSymbolicLink()).toBe(true);
  });

  it("still replaces pipe's own symlinks into the store (cache.type symlink) by writable copies", async () => {
    const h = hostileRepo({ files: { 'pipeline.yaml': "stages:\n  make:\n    cmd: 'mkdir -p out && echo made > out/a.txt'\n    outs: [out]\n" } });
    const env = { PIPE_CACHE_TYPE: 'symlink' };
    expect((await inHostile(h, ['repro'], env)).code).toBe(0);
    expect(lstatSync(h.repo.path('out/a.txt')).isSymbolicLink()).toBe(true);
    const r = await inHostile(h, ['unprotect', 'out'], env);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('out: 1 file made editable');
    expect(lstatSync(h.repo.path('out/a.txt')).isSymbolicLink()).toBe(false);
    expect(readFileSync(h.repo.path('out/a.txt'), 'utf8')).toBe('made\n');
  });

  it('unprotects the files of a symlink to a directory inside the repository (no EISDIR), skipping symlinked directories below', async () => {
    const h = hostileRepo({
      files: {
        'real/a.txt': { content: 'a\n', mode: 0o444 },
        'real/loop': { symlink: '.' },
        alias: { symlink: 'real' },
      },
    });
    const r = await inHostile(h, ['unprotect', 'alias']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('alias: 1 file made editable');
    expect(lstatSync(h.repo.path('real/a.txt')).mode & 0o200).not.toBe(0);
    expect(readFileSync(h.repo.path('real/a.txt'), 'utf8')).toBe('a\n');
  });
});
