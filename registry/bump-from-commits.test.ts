import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../test/helpers/temp-dir.js';
import type { ArtifactState } from '../runner/index.js';
import { autoVersion, bumpFromMessages } from './bump-from-commits.js';

describe('bumpFromMessages', () => {
  it('takes the largest bump any message asks for, in any case, patch by default', () => {
    expect(bumpFromMessages(['Merge pull request #3 from acme/test', 'fix typo'])).toBe('patch');
    expect(bumpFromMessages([])).toBe('patch');
    expect(bumpFromMessages(['Retrain on March data [model:minor]', 'x'])).toBe('minor');
    expect(bumpFromMessages(['[model:minor] a', 'New architecture [Model:MAJOR]', '[model:patch]'])).toBe('major');
    expect(bumpFromMessages(['model:major without brackets', '[model: minor] with a space'])).toBe('patch');
  });
});

describe('autoVersion', () => {
  const IDENTITY = ['-c', 'user.name=pipe tests', '-c', 'user.email=tests@pipe.invalid', '-c', 'commit.gpgsign=false'];
  const git = (dir: string, ...args: string[]) => execFileSync('git', [...IDENTITY, ...args], { cwd: dir, encoding: 'utf8' }).trim();
  const commit = (dir: string, message: string, file = 'f.txt') => {
    writeFileSync(join(dir, file), message);
    git(dir, 'add', '-A');
    git(dir, 'commit', '-q', '-m', message);
    return git(dir, 'rev-parse', 'HEAD');
  };
  const artifact = (version: string, commit: string) => ({ latest: { version, commit }, versions: [{ version, commit, active: true }] }) as unknown as ArtifactState;

  it('bumps the latest version by the messages since its commit only, and starts at v1.0.0', async () => {
    const dir = tempDir('pipe-bump-');
    git(dir, 'init', '-q', '-b', 'main');
    commit(dir, 'old work [model:major]');
    const v1 = commit(dir, 'model 1');
    commit(dir, 'docs');
    const minor = commit(dir, 'Retrain with more epochs [model:minor]');
    expect(await autoVersion(dir, undefined, minor)).toEqual({ version: 'v1.0.0', bump: 'major' });
    // The [model:major] before v1.4.2's commit is not read again.
    expect(await autoVersion(dir, artifact('v1.4.2', v1), minor)).toEqual({ version: 'v1.5.0', bump: 'minor' });
    expect(await autoVersion(dir, artifact('v1.4.2', minor), minor)).toEqual({ version: 'v1.4.3', bump: 'patch' });

    // A merge: the side branch's commits count, the ones already in the latest version do not.
    git(dir, 'checkout', '-q', '-b', 'side', v1);
    commit(dir, 'side change [model:major]', 'side.txt');
    git(dir, 'checkout', '-q', 'main');
    git(dir, 'merge', '-q', '--no-edit', 'side');
    const merge = git(dir, 'rev-parse', 'HEAD');
    expect(await autoVersion(dir, artifact('v1.5.0', minor), merge)).toEqual({ version: 'v2.0.0', bump: 'major' });
  });
});
