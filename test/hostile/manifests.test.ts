/** @module Issue #13 item 3: directory manifests, in the cache (an attacker can commit .pipe/cache/) or on a remote, are checked whole before any is used. */
import { describe, expect, it } from 'vitest';
import { hostileRepo, inHostile, putManifestText, putObject, sha256 } from './hostile-repo.js';

const entry = (relpath: string, content = 'x\n') => JSON.stringify({ relpath, hash: sha256(content), size: content.length, exec: false });

const MANIFESTS: readonly [string, string][] = [
  ['a relpath climbing out', `[${entry('../../outside/planted')}]\n`],
  ['an object, not a list', '{}\n'],
  ['a string, not a list', '"x"\n'],
  ['an entry that is not an object', '[1]\n'],
  ['a duplicate relpath', `[${entry('a')},\n${entry('a')}]\n`],
  ['a path that is both a file and a directory', `[${entry('a')},\n${entry('a/b')}]\n`],
  ['an absolute relpath', `[${entry('/tmp/planted')}]\n`],
];

describe('a directory manifest that is not a usable one', () => {
  it.each(MANIFESTS)('checkout of a cached manifest with %s: exit 1 naming it, nothing outside, no crash', async (_what, text) => {
    const h = hostileRepo();
    const cache = h.repo.path('.pipe/cache');
    putObject(cache, 'x\n');
    const hash = putManifestText(cache, text);
    h.repo.write('data.lock', `schema: 1\ndata:\n  d: {hash: '${hash}', size: 2, nfiles: 1}\n`);
    const r = await inHostile(h, ['checkout']);
    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr).toContain(`${hash} did not match its content or is not a usable directory manifest; moved to`);
    expect(h.repo.exists('d')).toBe(false);
  });

  it.each(MANIFESTS)('pull of a remote manifest with %s: rejected (exit 1 naming it), nothing outside, no crash', async (_what, text) => {
    const h = hostileRepo();
    putObject(h.remote, 'x\n');
    const hash = putManifestText(h.remote, text);
    h.repo.write('data.lock', `schema: 1\ndata:\n  d: {hash: '${hash}', size: 2, nfiles: 1}\n`);
    for (const args of [['pull'], ['status', '--remote']]) {
      const r = await inHostile(h, args);
      if (args[0] === 'pull') {
        expect(r.code, r.stderr).toBe(1);
        expect(r.stderr).toMatch(/not a usable directory manifest/);
      } else expect(r.code, r.stderr).not.toBe(2);
    }
    expect(h.repo.exists('d')).toBe(false);
  });
});
