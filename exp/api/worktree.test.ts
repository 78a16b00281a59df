import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, realpathSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../../test/helpers/temp-dir.js';
import { addWorktree, pruneDeadWorktrees } from './worktree.js';

describe('addWorktree', () => {
  it('is a git worktree at the commit, with its files and a clean index, that git lists; removing it leaves git nothing to prune', async () => {
    const root = realpathSync(tempDir('pipe-worktree-'));
    const git = (cwd: string, ...args: string[]) => execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@x', ...args], { cwd, encoding: 'utf8' }).trim();
    git(root, 'init', '-q');
    mkdirSync(join(root, 'src'));
    writeFileSync(join(root, 'src', 'run.sh'), '#!/bin/sh\necho one\n', { mode: 0o755 });
    writeFileSync(join(root, 'params.yaml'), 'lr: 1\n');
    git(root, 'add', '-A');
    git(root, 'commit', '-qm', 'one');
    const first = git(root, 'rev-parse', 'HEAD');
    writeFileSync(join(root, 'params.yaml'), 'lr: 2\n');
    git(root, 'commit', '-qam', 'two');

    const wt = await addWorktree(root, first, 'exp');
    expect(readFileSync(join(wt.dir, 'params.yaml'), 'utf8')).toBe('lr: 1\n');
    expect(git(wt.dir, 'rev-parse', 'HEAD')).toBe(first);
    expect(git(wt.dir, 'rev-parse', '--show-toplevel')).toBe(wt.dir);
    expect(git(wt.dir, 'status', '--porcelain')).toBe('');
    expect(git(wt.dir, 'ls-files', '-s', 'src/run.sh')).toMatch(/^100755 /);
    expect(git(root, 'worktree', 'list', '--porcelain')).toContain(`worktree ${wt.dir}\nHEAD ${first}\ndetached`);
    // The workspace is untouched: its HEAD, index and files.
    expect(git(root, 'rev-parse', 'HEAD')).not.toBe(first);
    expect(git(root, 'status', '--porcelain', '--untracked-files=no')).toBe('');

    await wt.remove();
    expect(existsSync(wt.dir)).toBe(false);
    expect(git(root, 'worktree', 'list').split('\n')).toHaveLength(1);
    expect(git(root, 'worktree', 'prune', '--dry-run', '--verbose')).toBe('');
  });

  it('bookkeeping a dead run left beside .git/worktrees is removed by the next queue; a live run’s is kept', async () => {
    const root = realpathSync(tempDir('pipe-worktree-'));
    execFileSync('git', ['init', '-q'], { cwd: root });
    const dead = join(root, '.git', 'pipe-worktree-exp-999999-abcdef');
    const live = join(root, '.git', `pipe-worktree-exp-${process.pid}-abcdef`);
    for (const d of [dead, live]) {
      mkdirSync(d);
      writeFileSync(join(d, 'HEAD'), 'x\n');
    }
    await pruneDeadWorktrees(root, (pid) => pid === process.pid);
    expect(existsSync(dead)).toBe(false);
    expect(existsSync(live)).toBe(true);
  });
});
