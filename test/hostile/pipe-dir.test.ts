/** @module A committed symlink in place of pipe's own directories (.pipe/cache, .pipe/tmp) never sends pipe's cache writes or gc's deletions outside the repository. */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { hostileRepo, inHostile, putObject } from './hostile-repo.js';

describe('pipe’s own directories replaced by symlinks', () => {
  it.each([
    ['.pipe/cache', '../../outside/cache', 'pull'],
    ['.pipe/cache', '../../outside/cache', 'gc --workspace --force'],
    ['.pipe/cache/files', '../../../outside/cache/files', 'gc --workspace --force'],
    ['.pipe/tmp', '../../outside', 'status'],
  ])('%s -> %s: pipe %s refuses (exit 2) and leaves the outside alone', async (link, target, args) => {
    const h = hostileRepo({ files: { [link]: { symlink: target } } });
    // Another project's objects, which gc would delete and pull would add to.
    putObject(join(h.outside, 'cache'), 'other project\n');
    const hash = putObject(h.remote, 'data\n');
    h.repo.write('data.lock', `schema: 1\ndata:\n  d.txt: {hash: '${hash}', size: 5}\n`);
    const r = await inHostile(h, args.split(' '));
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toContain(`'${link}' is a symlink`);
  });
});
