import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { bumpFromMessages, latestModelTag, main, modelHash, planModelTag } from '../scripts/next-model-tag.mjs';
import { tempDir } from './helpers/temp-dir.js';

const lock = (hash: string) =>
  `schema: 1\nstages:\n  train:\n    outs:\n      - {path: models/churn, hash: ${hash}, size: 28740, nfiles: 5}\n      - {path: plots/training-loss.json, hash: sha256:aaa, size: 352}\n`;

describe('next-model-tag: pure parts', () => {
  it('finds the highest MODEL@vX.Y.Z, numerically, ignoring other models and pre-releases', () => {
    const tags = ['churn@v1.9.0', 'churn@v1.10.0', 'churn@v1.10.0-rc1', 'other@v9.0.0', 'v2.0.0', 'churn@v01.0.0'];
    expect(latestModelTag(tags, 'churn')).toEqual({ tag: 'churn@v1.10.0', version: { major: 1, minor: 10, patch: 0 } });
    expect(latestModelTag(['other@v1.0.0'], 'churn')).toBeUndefined();
  });

  it('takes the largest bump any message asks for, patch by default', () => {
    expect(bumpFromMessages(['Merge pull request #3 from acme/test', 'fix typo'])).toBe('patch');
    expect(bumpFromMessages(['Retrain on March data [model:minor]', 'x'])).toBe('minor');
    expect(bumpFromMessages(['[model:minor] a', 'New architecture [Model:MAJOR]'])).toBe('major');
  });

  it("reads the out's hash from data.lock", () => {
    expect(modelHash(lock('sha256:b74.dir'), 'models/churn')).toBe('sha256:b74.dir');
    expect(modelHash(lock('sha256:b74.dir'), 'models/other')).toBeUndefined();
    expect(modelHash(undefined, 'models/churn')).toBeUndefined();
    // A stage that reads the model lists it under deps (sorted first): only the out counts.
    const withDep = `schema: 1\nstages:\n  evaluate:\n    deps:\n      - {path: models/churn, hash: sha256:stale.dir, size: 1}\n    outs: []\n${lock('sha256:b74.dir').split('stages:\n')[1]}`;
    expect(modelHash(withDep, 'models/churn')).toBe('sha256:b74.dir');
    expect(modelHash('stages: [unclosed\n', 'models/churn')).toBeUndefined();
    // Read as YAML, not line by line: the same lock written in block style reads the same.
    const block = 'schema: 1\nstages:\n  train:\n    cmd: x\n    outs:\n      - path: models/churn\n        hash: sha256:blk.dir\n        size: 3\n';
    expect(modelHash(block, 'models/churn')).toBe('sha256:blk.dir');
  });

  it('plans: patch bump, minor/major on a marker, first tag v1.0.0, nothing when HEAD is tagged or the model is unchanged', () => {
    const base = { model: 'churn', tags: ['churn@v1.3.2', 'churn@v1.4.0'], tagsAtHead: [], messages: ['merge'], hashAtHead: 'sha256:new', hashAtLatest: () => 'sha256:old' };
    expect(planModelTag(base)).toEqual({ action: 'create', tag: 'churn@v1.4.1', previous: 'churn@v1.4.0', bump: 'patch', hash: 'sha256:new' });
    expect(planModelTag({ ...base, messages: ['[model:minor]'] }).tag).toBe('churn@v1.5.0');
    expect(planModelTag({ ...base, messages: ['[model:major]'] }).tag).toBe('churn@v2.0.0');
    expect(planModelTag({ ...base, tags: [] })).toMatchObject({ action: 'create', tag: 'churn@v1.0.0', previous: '' });
    expect(planModelTag({ ...base, tagsAtHead: ['churn@v1.4.0'] })).toMatchObject({ action: 'exists', tag: 'churn@v1.4.0' });
    expect(planModelTag({ ...base, hashAtLatest: () => 'sha256:new' })).toMatchObject({ action: 'unchanged', tag: 'churn@v1.4.0' });
    expect(planModelTag({ ...base, hashAtHead: undefined })).toMatchObject({ action: 'no-model' });
  });
});

describe('next-model-tag: on a real repository', () => {
  const IDENTITY = ['-c', 'user.name=pipe tests', '-c', 'user.email=tests@pipe.invalid', '-c', 'commit.gpgsign=false', '-c', 'tag.gpgsign=false'];
  const git = (dir: string, ...args: string[]) => execFileSync('git', [...IDENTITY, ...args], { cwd: dir, encoding: 'utf8' }).trim();
  const commit = (dir: string, hash: string, message: string) => {
    writeFileSync(join(dir, 'data.lock'), lock(hash));
    git(dir, 'add', '-A');
    git(dir, 'commit', '-q', '--allow-empty', '-m', message);
    return git(dir, 'rev-parse', 'HEAD');
  };

  it('bumps from the tags and the pushed range, writes $GITHUB_OUTPUT, and the node script runs on its own', () => {
    const dir = tempDir('pipe-tag-');
    git(dir, 'init', '-q', '-b', 'main');
    commit(dir, 'sha256:one', 'first model');
    git(dir, 'tag', '-a', 'churn@v1.2.3', '-m', 'churn v1.2.3');
    const before = commit(dir, 'sha256:one', 'docs only');
    commit(dir, 'sha256:two', 'Retrain with more epochs [model:minor]');
    const after = commit(dir, 'sha256:two', 'Merge pull request #9 from acme/test');
    const outputFile = join(dir, 'github-output');
    writeFileSync(outputFile, '');

    const printed: string[] = [];
    const plan = main(['--range', `${before}..${after}`], { cwd: dir, env: { GITHUB_OUTPUT: outputFile }, out: (l) => printed.push(l) });
    expect(plan).toEqual({ action: 'create', tag: 'churn@v1.3.0', previous: 'churn@v1.2.3', bump: 'minor', hash: 'sha256:two' });
    expect(printed).toEqual(['action=create', 'tag=churn@v1.3.0', 'previous=churn@v1.2.3', 'bump=minor', 'hash=sha256:two']);
    expect(readFileSync(outputFile, 'utf8')).toBe(`${printed.join('\n')}\n`);

    // Only HEAD's message counts when the push has no usable "before" (a new branch: all zeros).
    expect(main(['--range', `${'0'.repeat(40)}..${after}`], { cwd: dir, env: {}, out: () => {} }).bump).toBe('patch');

    // The same model as the latest tag: nothing to tag. Run as CI runs it: plain node, no build.
    git(dir, 'tag', '-a', 'churn@v1.3.0', '-m', 'churn v1.3.0');
    commit(dir, 'sha256:two', 'README tweak');
    const script = join(import.meta.dirname, '../scripts/next-model-tag.mjs');
    const stdout = execFileSync(process.execPath, [script], { cwd: dir, encoding: 'utf8', env: { ...process.env, GITHUB_OUTPUT: '' } });
    expect(stdout).toContain('action=unchanged\ntag=churn@v1.3.0\n');
  });
});
