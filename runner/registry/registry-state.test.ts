import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../../test/helpers/temp-dir.js';
import { readRegistry, resolveModelReference } from './registry-state.js';

/** A repository with three commits (c1..c3) and tags made by the git CLI, one second apart. */
function repoWithTags(tags: [name: string, commit: number, lightweight?: boolean][]): { dir: string; commits: string[] } {
  const dir = tempDir('pipe-registry-');
  const git = (args: string[], date?: number) =>
    execFileSync('git', args, {
      cwd: dir,
      env: { ...process.env, GIT_AUTHOR_NAME: 'Ann', GIT_AUTHOR_EMAIL: 'ann@example.com', GIT_COMMITTER_NAME: 'Ann', GIT_COMMITTER_EMAIL: 'ann@example.com', ...(date ? { GIT_COMMITTER_DATE: `${date} +0000` } : {}) },
      encoding: 'utf8',
    }).trim();
  git(['init', '-q']);
  const commits: string[] = [];
  for (let i = 1; i <= 3; i++) {
    writeFileSync(join(dir, 'f'), String(i));
    git(['add', 'f']);
    git(['commit', '-qm', `c${i}`], 1_700_000_000 + i);
    commits.push(git(['rev-parse', 'HEAD']));
  }
  tags.forEach(([name, c, light], i) => git(light ? ['tag', name, commits[c - 1] ?? ''] : ['tag', '-a', name, '-m', `msg ${name}`, commits[c - 1] ?? ''], 1_700_001_000 + i));
  return { dir, commits };
}

describe('readRegistry', () => {
  it('keeps the first registration of a version: a later tag of it on another commit (made by hand) moves nothing', async () => {
    const { dir, commits } = repoWithTags([
      ['churn@v1.0.0', 1],
      ['churn#prod#1', 1],
      ['churn@v1.0.0#5', 3], // GTO's register-with-counter form, another commit
    ]);
    const registry = await readRegistry(dir);
    const churn = registry.get('churn');
    expect(churn?.versions.map((v) => [v.version, v.commit])).toEqual([['v1.0.0', commits[0]]]);
    expect(churn?.stages.get('prod')?.[0]).toMatchObject({ version: 'v1.0.0', commit: commits[0] });
    expect(resolveModelReference(registry, 'churn@v1.0.0')).toMatchObject({ commit: commits[0] });
  });

  it('reads versions, stage holders and events from annotated tags only, packed or loose', async () => {
    const { dir, commits } = repoWithTags([
      ['churn@v1.0.0', 1],
      ['churn#dev#1', 1],
      ['churn@v1.1.0', 2],
      ['churn#dev#2', 2],
      ['churn#prod#3', 1],
      ['churn@v2.0.0', 3, true], // lightweight: ignored, as GTO ignores it
      ['release-1', 3], // not the registry's
      ['iris@v0.0.1', 3],
    ]);
    for (const pack of [false, true]) {
      if (pack) execFileSync('git', ['pack-refs', '--all'], { cwd: dir });
      const reg = await readRegistry(dir);
      expect([...reg.keys()].sort()).toEqual(['churn', 'iris']);
      const churn = reg.get('churn');
      expect(churn?.versions.map((v) => [v.version, v.commit, v.stages])).toEqual([
        ['v1.0.0', commits[0], ['prod']],
        ['v1.1.0', commits[1], ['dev']],
      ]);
      expect(churn?.latest?.version).toBe('v1.1.0');
      expect(churn?.stages.get('dev')?.map((h) => h.version)).toEqual(['v1.1.0', 'v1.0.0']);
      expect(churn?.maxCounter).toBe(3);
      expect(churn?.events.map((e) => [e.tag, e.action, e.versionAtCommit ?? e.version, e.by.name, e.message])).toEqual([
        ['churn@v1.0.0', 'register', 'v1.0.0', 'Ann', 'msg churn@v1.0.0'],
        ['churn#dev#1', 'assign', 'v1.0.0', 'Ann', 'msg churn#dev#1'],
        ['churn@v1.1.0', 'register', 'v1.1.0', 'Ann', 'msg churn@v1.1.0'],
        ['churn#dev#2', 'assign', 'v1.1.0', 'Ann', 'msg churn#dev#2'],
        ['churn#prod#3', 'assign', 'v1.0.0', 'Ann', 'msg churn#prod#3'],
      ]);
      expect(resolveModelReference(reg, 'churn#prod')).toEqual({ artifact: 'churn', version: 'v1.0.0', commit: commits[0], stage: 'prod' });
      expect(resolveModelReference(reg, 'churn@latest')).toEqual({ artifact: 'churn', version: 'v1.1.0', commit: commits[1] });
      expect(resolveModelReference(reg, 'churn@v2.0.0')).toEqual({ problem: "'churn' has no version v2.0.0 (registered: v1.0.0, v1.1.0)" });
      expect(resolveModelReference(reg, 'churn#test')).toEqual({ problem: "no version of 'churn' is in stage 'test'" });
      expect(resolveModelReference(reg, 'main')).toBeUndefined();
    }
  });

  it('an unassign gives the stage back to the version assigned before; a deregistered version is no longer latest', async () => {
    const { dir } = repoWithTags([
      ['churn@v1.0.0', 1],
      ['churn@v1.1.0', 2],
      ['churn#prod#1', 1],
      ['churn#prod#2', 2],
      ['churn#prod!#3', 2],
      ['churn@v1.1.0!', 2],
      ['churn@deprecated#4', 1],
    ]);
    const churn = (await readRegistry(dir)).get('churn');
    expect(churn?.stages.get('prod')?.map((h) => h.version)).toEqual(['v1.0.0']);
    expect(churn?.latest?.version).toBe('v1.0.0');
    expect(churn?.versions.map((v) => [v.version, v.active])).toEqual([
      ['v1.0.0', true],
      ['v1.1.0', false],
    ]);
    expect(churn?.deprecated).toBe(true);
    expect(churn?.maxCounter).toBe(4);
  });

  it('a deregistered version holds no stage; deprecation lasts until the next event; a stage tag older than its version still names it; lightweight tags count for the counter', async () => {
    const { dir, commits } = repoWithTags([
      ['churn#prod#1', 1], // tagged before the version it points to was registered
      ['churn@v1.0.0', 1],
      ['churn@v1.1.0', 2],
      ['churn#prod#2', 2],
      ['churn@deprecated#3', 2],
      ['churn@v1.1.0!', 2],
      ['churn@v1.2.0', 3],
      ['churn#dev#9', 3, true], // lightweight: no event, but its counter is taken
    ]);
    const reg = await readRegistry(dir);
    const churn = reg.get('churn');
    expect(churn?.stages.get('prod')?.map((h) => h.version)).toEqual(['v1.0.0']);
    expect(resolveModelReference(reg, 'churn#prod')).toEqual({ artifact: 'churn', version: 'v1.0.0', commit: commits[0], stage: 'prod' });
    expect(churn?.events.filter((e) => e.action === 'assign').map((e) => e.versionAtCommit)).toEqual(['v1.0.0', 'v1.1.0']);
    expect(churn?.deprecated).toBe(false);
    expect(churn?.latest?.version).toBe('v1.2.0');
    expect(churn?.maxCounter).toBe(9);
  });

  it('is empty outside a git repository or without tags', async () => {
    expect((await readRegistry(tempDir('pipe-registry-none-'))).size).toBe(0);
  });
});
