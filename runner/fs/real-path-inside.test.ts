import { mkdirSync, realpathSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../../test/helpers/temp-dir.js';
import { realPathInside } from './real-path-inside.js';

/** A repository `repo/` with metrics.json, .pipe/config.local.yaml and .git/config, beside a sibling `repo-other/` that shares its name's prefix. */
function setup() {
  const base = realpathSync(tempDir('pipe-real-path-'));
  const root = join(base, 'repo');
  for (const dir of ['metrics', '.pipe', '.git', '../repo-other']) mkdirSync(join(root, dir), { recursive: true });
  writeFileSync(join(root, 'metrics/eval.json'), '{}');
  writeFileSync(join(root, '.pipe/config.local.yaml'), 'secret: x\n');
  writeFileSync(join(root, '.git/config'), '');
  writeFileSync(join(base, 'repo-other/eval.json'), '{}');
  const link = (rel: string, target: string) => symlinkSync(target, join(root, rel));
  return { base, root, link };
}

describe('realPathInside', () => {
  it('gives the real path of a file, or of the file a symlink inside the repository leads to', () => {
    const { root, link } = setup();
    link('latest.json', 'metrics/eval.json');
    link('m', 'metrics');
    expect(realPathInside(root, 'metrics/eval.json')).toBe(join(root, 'metrics/eval.json'));
    expect(realPathInside(root, 'latest.json')).toBe(join(root, 'metrics/eval.json'));
    expect(realPathInside(root, 'm/eval.json')).toBe(join(root, 'metrics/eval.json'));
    expect(realPathInside(root, '.')).toBe(root);
  });

  it('gives undefined for nothing there, a dangling symlink, or a path through a file', () => {
    const { root, link } = setup();
    link('dangling.json', 'gone.json');
    expect(realPathInside(root, 'missing.json')).toBeUndefined();
    expect(realPathInside(root, 'dangling.json')).toBeUndefined();
    expect(realPathInside(root, 'metrics/eval.json/x')).toBeUndefined();
  });

  it("refuses (PATH_INVALID) a symlink leading outside the repository, into a sibling whose name merely starts like the repository's too", () => {
    const { base, root, link } = setup();
    link('abs.json', join(base, 'repo-other/eval.json'));
    link('rel.json', '../repo-other/eval.json');
    for (const path of ['abs.json', 'rel.json']) {
      expect(() => realPathInside(root, path)).toThrowError(
        expect.objectContaining({ code: 'PATH_INVALID', data: { path, reason: 'symlink-outside-repository' }, message: expect.stringContaining(`'${path}' leads through a symlink to ${join(base, 'repo-other/eval.json')}, outside the repository`) }),
      );
    }
  });

  it("refuses a symlink into .pipe/ (a remote's credentials) or .git/", () => {
    const { root, link } = setup();
    link('creds.yaml', '.pipe/config.local.yaml');
    link('gitdir', '.git');
    for (const [path, top] of [['creds.yaml', '.pipe'], ['gitdir/config', '.git']] as const) {
      expect(() => realPathInside(root, path)).toThrowError(
        expect.objectContaining({ code: 'PATH_INVALID', data: { path, reason: 'symlink-into-internal-directory' }, message: expect.stringContaining(`into ${top}/`) }),
      );
    }
  });

  it('works from a root that is itself reached through a symlink', () => {
    const { base, root } = setup();
    symlinkSync(root, join(base, 'alias'));
    expect(realPathInside(join(base, 'alias'), 'metrics/eval.json')).toBe(join(root, 'metrics/eval.json'));
  });
});
