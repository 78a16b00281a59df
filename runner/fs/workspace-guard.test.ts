import { mkdirSync, realpathSync, rmSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../../test/helpers/temp-dir.js';
import { WorkspaceGuard } from './workspace-guard.js';

/** `base/repo` with a real `models/` and `.git/`, beside `base/outside/`. */
function setup() {
  const base = realpathSync(tempDir('pipe-guard-'));
  const root = join(base, 'repo');
  for (const dir of ['repo/models', 'repo/.git/hooks', 'outside']) mkdirSync(join(base, dir), { recursive: true });
  const link = (rel: string, target: string) => symlinkSync(target, join(root, rel));
  return { base, root, link };
}

const refused = (reason: string) => expect.objectContaining({ code: 'PATH_INVALID', data: expect.objectContaining({ reason }) });

describe('WorkspaceGuard', () => {
  it('lets through paths whose parents are inside, including ones not made yet and ones through symlinks within', () => {
    const { root, link } = setup();
    link('alias', 'models');
    const guard = new WorkspaceGuard(root);
    for (const p of ['top.txt', 'models/x', 'models/not/yet/made.bin', 'alias/x', 'link-at-the-path-itself']) expect(() => guard.parentOf(p)).not.toThrow();
  });

  it('refuses a path below a symlink that leads outside, also below directories not made yet', () => {
    const { root, link } = setup();
    link('out', '../outside');
    const guard = new WorkspaceGuard(root);
    for (const p of ['out/x', 'out/a/b/c']) {
      expect(() => guard.parentOf(p)).toThrowError(refused('symlink-outside-repository'));
      expect(() => guard.parentOf(p)).toThrowError(expect.objectContaining({ message: expect.stringContaining(`'${p}' leads through a symlink to`) }));
    }
  });

  it('refuses a path below a symlink into .git/', () => {
    const { root, link } = setup();
    link('hooks', '.git/hooks');
    expect(() => new WorkspaceGuard(root).parentOf('hooks/pre-commit')).toThrowError(refused('symlink-into-internal-directory'));
  });

  it('keeps its verdicts until forget(): a directory replaced by a symlink is looked at again', () => {
    const { root } = setup();
    const guard = new WorkspaceGuard(root);
    guard.parentOf('models/x');
    rmSync(join(root, 'models'), { recursive: true });
    symlinkSync('../outside', join(root, 'models'));
    expect(() => guard.parentOf('models/x')).not.toThrow();
    guard.forget();
    expect(() => guard.parentOf('models/x')).toThrowError(refused('symlink-outside-repository'));
  });
});
