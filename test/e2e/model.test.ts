/** @module `pipe model show|history` on real annotated tags made by the git CLI (GTO's format). */
import { execFileSync } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import { gitIn, modelRepo } from '../helpers/model-repo.js';
import { makeRepo, ok, removeRepos, type Repo } from '../helpers/repo.js';

afterAll(removeRepos);

/** Three commits; `tags` are made in order, one second apart, by "Ann <ann@example.com>". */
function registryRepo(tags: [name: string, commit: number, lightweight?: boolean][]): { repo: Repo; commits: string[] } {
  const repo = makeRepo({ 'pipeline.yaml': 'stages: {}\n' });
  const git = (args: string[], date: number) =>
    execFileSync('git', args, {
      cwd: repo.dir,
      env: { ...process.env, GIT_AUTHOR_NAME: 'Ann', GIT_AUTHOR_EMAIL: 'ann@example.com', GIT_COMMITTER_NAME: 'Ann', GIT_COMMITTER_EMAIL: 'ann@example.com', GIT_COMMITTER_DATE: `${date} +0000`, GIT_AUTHOR_DATE: `${date} +0000` },
      encoding: 'utf8',
    }).trim();
  const commits: string[] = [];
  for (let i = 1; i <= 3; i++) {
    repo.write('model.txt', `model ${i}\n`);
    git(['add', '-A'], 0 + 1_800_000_000);
    git(['commit', '-qm', `model ${i}`], 1_800_000_000 + i);
    commits.push(git(['rev-parse', 'HEAD'], 1_800_000_000));
  }
  tags.forEach(([name, c, light], i) => git(light ? ['tag', name, commits[c - 1] ?? ''] : ['tag', '-a', name, '-m', `why ${name}`, commits[c - 1] ?? ''], 1_800_000_100 + i));
  return { repo, commits };
}

const TAGS: [string, number, boolean?][] = [
  ['churn@v1.0.0', 1],
  ['churn#dev#1', 1],
  ['churn#prod#2', 1],
  ['churn@v1.1.0', 2],
  ['churn#dev#3', 2],
  ['churn@v2.0.0', 3, true], // lightweight: not the registry's
  ['iris@v0.1.0', 3],
  ['v3.0.0', 3], // a release tag of the project, not a model
];

describe('pipe model show', () => {
  it('shows each artifact’s latest version and stage holders from annotated tags only; NAME lists its versions', async () => {
    const { repo, commits } = registryRepo(TAGS);
    expect((await ok(repo, ['model', 'show'])).stdout).toBe(['Name   Latest  #dev    #prod', 'churn  v1.1.0  v1.1.0  v1.0.0', 'iris   v0.1.0  —       —', ''].join('\n'));
    expect((await ok(repo, ['model', 'show', 'churn'])).stdout).toBe(
      [
        'Version  Stages  Commit   Registered            By   Note',
        `v1.1.0   dev     ${commits[1]?.slice(0, 7)}  2027-01-15T08:01:43Z  Ann`,
        `v1.0.0   prod    ${commits[0]?.slice(0, 7)}  2027-01-15T08:01:40Z  Ann`,
        '',
      ].join('\n'),
    );
    const json = JSON.parse((await ok(repo, ['model', 'show', '--json'])).stdout) as { artifacts: { name: string; latest: string; stages: Record<string, { version: string; tag: string }> }[] };
    expect(json.artifacts.map((a) => [a.name, a.latest, Object.fromEntries(Object.entries(a.stages).map(([s, h]) => [s, h.version]))])).toEqual([
      ['churn', 'v1.1.0', { dev: 'v1.1.0', prod: 'v1.0.0' }],
      ['iris', 'v0.1.0', {}],
    ]);
    const bad = await repo.pipe(['model', 'show', 'nope']);
    expect([bad.code, bad.stdout, bad.stderr]).toEqual([2, '', "error: no artifact 'nope' in the registry (known: churn, iris)\n"]);
  });

  it('says so when the repository has no registry tag', async () => {
    const { repo } = registryRepo([['v1.0.0', 1]]);
    const r = await ok(repo, ['model', 'show']);
    expect([r.stdout, r.stderr]).toEqual(['', 'No model registered: no tag in GTO’s format (NAME@vX.Y.Z, NAME#STAGE#N) in this repository.\n']);
  });
});

describe('pipe model history', () => {
  it('lists every event oldest first with who, the commit and the tag; --json carries the tag message', async () => {
    const { repo, commits } = registryRepo(TAGS);
    const c = commits.map((x) => x.slice(0, 7));
    expect((await ok(repo, ['model', 'history', 'churn'])).stdout).toBe(
      [
        'When                  Artifact  Event     Version  Stage  Commit   By   Tag',
        `2027-01-15T08:01:40Z  churn     register  v1.0.0   —      ${c[0]}  Ann  churn@v1.0.0`,
        `2027-01-15T08:01:41Z  churn     assign    v1.0.0   dev    ${c[0]}  Ann  churn#dev#1`,
        `2027-01-15T08:01:42Z  churn     assign    v1.0.0   prod   ${c[0]}  Ann  churn#prod#2`,
        `2027-01-15T08:01:43Z  churn     register  v1.1.0   —      ${c[1]}  Ann  churn@v1.1.0`,
        `2027-01-15T08:01:44Z  churn     assign    v1.1.0   dev    ${c[1]}  Ann  churn#dev#3`,
        '',
      ].join('\n'),
    );
    const all = JSON.parse((await ok(repo, ['model', 'history', '--json'])).stdout) as { events: { tag: string; message: string; by: { email: string } }[] };
    expect(all.events.map((e) => e.tag)).toEqual(['churn@v1.0.0', 'churn#dev#1', 'churn#prod#2', 'churn@v1.1.0', 'churn#dev#3', 'iris@v0.1.0']);
    expect(all.events[2]).toMatchObject({ message: 'why churn#prod#2', by: { email: 'ann@example.com' } });
  });
});


/** Trains and commits the next model (size n) and registers it. */
async function nextVersion(repo: Repo, n: number): Promise<void> {
  repo.write('params.yaml', `size: ${n}\n`);
  await ok(repo, ['repro']);
  gitIn(repo, 'add', '-A');
  gitIn(repo, 'commit', '-qm', `model ${n}`);
  await ok(repo, ['model', 'register', 'churn']);
}

describe('pipe model assign and rollback', () => {
  it('counts tags across stages, enforces registry.stages order unless --force, and rolls back with a new tag', async () => {
    const repo = await modelRepo('registry:\n  stages: [dev, test, prod]\n');
    await ok(repo, ['model', 'register', 'churn']);
    expect((await ok(repo, ['model', 'assign', 'churn', '--stage', 'dev'])).stdout).toBe("Created git tag 'churn#dev#1': churn@v0.0.1 now holds 'dev'; push it with: git push origin churn#dev#1\n");
    const skip = await repo.pipe(['model', 'assign', 'churn', '--stage', 'prod']);
    expect([skip.code, skip.stderr]).toEqual([2, "error: churn@v0.0.1 never held 'test', which comes before 'prod' (registry.stages: dev, test, prod): assign test first, or pass --force\n"]);
    const nope = await repo.pipe(['model', 'assign', 'churn', '--stage', 'staging']);
    expect([nope.code, nope.stderr]).toEqual([2, "error: 'staging' is not a registry stage (registry.stages in pipeline.yaml: dev, test, prod)\n"]);
    await ok(repo, ['model', 'assign', 'churn', '--stage', 'test']);
    await ok(repo, ['model', 'assign', 'churn', '--stage', 'prod']);
    const twice = await repo.pipe(['model', 'assign', 'churn', '--stage', 'prod']);
    expect(twice.code).toBe(2);
    expect(twice.stderr).toMatch(/^error: churn@v0\.0\.1 holds 'prod' already \(since \d{4}-\d\d-\d\dT[\d:]+Z\)\n$/);

    await nextVersion(repo, 2);
    const forced = await ok(repo, ['model', 'assign', 'churn', '--stage', 'prod', '--version', 'v0.0.2', '--force']);
    expect(forced.stdout).toBe("Created git tag 'churn#prod#4': churn@v0.0.2 now holds 'prod' (it was churn@v0.0.1); push it with: git push origin churn#prod#4\n");
    expect(gitIn(repo, 'tag', '-l', '--format=%(contents:subject)', 'churn#prod#4')).toBe('Assigning stage prod to artifact churn version v0.0.2');

    const back = await ok(repo, ['model', 'rollback', 'churn', '--stage', 'prod']);
    expect(back.stdout).toBe("Created git tag 'churn#prod#5': churn@v0.0.1 now holds 'prod' (it was churn@v0.0.2); push it with: git push origin churn#prod#5\n");
    expect(gitIn(repo, 'rev-parse', 'churn#prod#5^{commit}')).toBe(gitIn(repo, 'rev-parse', 'churn@v0.0.1^{commit}'));
    expect((await ok(repo, ['model', 'show'])).stdout).toBe('Name   Latest  #dev    #test   #prod\nchurn  v0.0.2  v0.0.1  v0.0.1  v0.0.1\n');
    const events = JSON.parse((await ok(repo, ['model', 'history', 'churn', '--json'])).stdout) as { events: { tag: string; version: string }[] };
    expect(events.events.map((e) => `${e.tag} ${e.version}`)).toEqual([
      'churn@v0.0.1 v0.0.1',
      'churn#dev#1 v0.0.1',
      'churn#test#2 v0.0.1',
      'churn#prod#3 v0.0.1',
      'churn@v0.0.2 v0.0.2',
      'churn#prod#4 v0.0.2',
      'churn#prod#5 v0.0.1',
    ]);
    const none = await repo.pipe(['model', 'rollback', 'churn', '--stage', 'dev']);
    expect([none.code, none.stderr]).toEqual([2, "error: churn@v0.0.1 is the only version that has held 'dev': nothing to roll back to\n"]);
  });
});

describe('pipe model register', () => {
  it('writes GTO’s annotated tag and message; refuses the same commit, the same content, an existing version, an undeclared artifact', async () => {
    const repo = await modelRepo();
    const first = await ok(repo, ['model', 'register', 'churn']);
    expect(first.stdout).toMatch(/^Created git tag 'churn@v0\.0\.1' that registers version v0\.0\.1 of churn \(models\/churn sha256:[0-9a-f]{8}… at [0-9a-f]{7}\); push it with: git push origin churn@v0\.0\.1\n$/);
    expect(gitIn(repo, 'for-each-ref', 'refs/tags', '--format=%(objecttype) %(refname:short) %(taggername) %(taggeremail) %(contents:subject) %(*objectname)')).toBe(
      `tag churn@v0.0.1 Reg Istrar <reg@example.com> Registering artifact churn version v0.0.1 ${gitIn(repo, 'rev-parse', 'HEAD')}`,
    );

    const again = await repo.pipe(['model', 'register', 'churn']);
    expect([again.code, again.stderr]).toEqual([2, `error: churn@v0.0.1 is already registered at HEAD (${gitIn(repo, 'rev-parse', '--short=7', 'HEAD')})\n`]);

    repo.write('README.md', 'docs only\n');
    gitIn(repo, 'add', '-A');
    gitIn(repo, 'commit', '-qm', 'docs');
    const same = await repo.pipe(['model', 'register', 'churn']);
    expect(same.code).toBe(2);
    expect(same.stderr).toMatch(/^error: the content of models\/churn at HEAD \(sha256:[0-9a-f]+\.dir\) is already registered as churn@v0\.0\.1 \([0-9a-f]{7}\): nothing new to register\n$/);

    repo.write('params.yaml', 'size: 2\n');
    await ok(repo, ['repro']);
    gitIn(repo, 'add', '-A');
    gitIn(repo, 'commit', '-qm', 'model 2');
    const taken = await repo.pipe(['model', 'register', 'churn', '--version', 'v0.0.1']);
    expect([taken.code, taken.stderr]).toEqual([2, 'error: churn@v0.0.1 exists already (registered: v0.0.1); choose another --version\n']);
    const bad = await repo.pipe(['model', 'register', 'churn', '--version', '1.0']);
    expect([bad.code, bad.stderr]).toEqual([2, "error: --version '1.0' is not a version: write vMAJOR.MINOR.PATCH (SemVer 2, e.g. v1.2.0 or v1.3.0-rc.1)\n"]);
    const minor = await ok(repo, ['model', 'register', 'churn', '--bump', 'minor', '-m', 'bigger model']);
    expect(minor.stdout).toContain("Created git tag 'churn@v0.1.0'");
    expect(gitIn(repo, 'tag', '-l', '--format=%(contents:subject)', 'churn@v0.1.0')).toBe('bigger model');
    expect((await ok(repo, ['model', 'show'])).stdout).toBe('Name   Latest\nchurn  v0.1.0\n');

    const unknown = await repo.pipe(['model', 'register', 'iris']);
    expect([unknown.code, unknown.stderr]).toEqual([2, "error: the pipeline at HEAD declares no artifact 'iris' (artifacts: churn); add it under 'artifacts:' in pipeline.yaml\n"]);
  });

  it('refuses a revision whose data.lock does not hold the artifact, and --push sends the tag to origin', async () => {
    const repo = await modelRepo();
    const origin = makeRepo();
    gitIn(origin, 'config', 'receive.denyCurrentBranch', 'ignore');
    gitIn(repo, 'remote', 'add', 'origin', origin.dir);
    gitIn(repo, 'rm', '-q', '--cached', 'data.lock');
    gitIn(repo, 'commit', '-qm', 'no lock');
    const r = await repo.pipe(['model', 'register', 'churn']);
    expect([r.code, r.stderr]).toEqual([2, 'error: data.lock at HEAD does not hold models/churn (artifact churn): run pipe repro and commit data.lock, then register that commit\n']);
    const pushed = await ok(repo, ['model', 'register', 'churn', 'HEAD~1', '--push']);
    expect(pushed.stdout).toContain(", pushed to 'origin'");
    expect(gitIn(origin, 'for-each-ref', 'refs/tags', '--format=%(refname:short)')).toBe('churn@v0.0.1');
  });
});
