/** @module `pipe model show|history` on real annotated tags made by the git CLI (GTO's format). */
import { execFileSync } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import { committedRepo, gitIn, modelRepo, TRAINED_FROM_PARAMS } from '../helpers/model-repo.js';
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

  it('refuses --push without a git remote origin before writing anything, and names no git tag can hold; a root file cannot declare a sub-directory name', async () => {
    const repo = await modelRepo();
    const tags = gitIn(repo, 'tag', '-l');
    const noOrigin = await repo.pipe(['model', 'register', 'churn', '--push']);
    expect([noOrigin.code, noOrigin.stderr]).toEqual([2, "error: --push: this repository has no git remote 'origin'; add one (git remote add origin URL) or leave out --push. Nothing was written\n"]);
    expect(gitIn(repo, 'tag', '-l')).toBe(tags);
    // GTO's grammar allows a//b, which no git tag can hold (a crash of register before); 'models:churn' is how a sub-directory's artifact is named from outside.
    const pipeline = repo.read('pipeline.yaml');
    const cases: [name: string, why: string][] = [
      ['a//b', "name 'a//b' is invalid"],
      ['x'.repeat(201), `name '${'x'.repeat(201)}' is invalid`],
      ['models:churn', "name 'models:churn' is invalid"],
    ];
    for (const [name, why] of cases) {
      repo.write('pipeline.yaml', pipeline.replace(/^artifacts:\n/m, `artifacts:\n  '${name}': {path: models/churn}\n`));
      const status = await repo.pipe(['status']);
      expect([status.code, status.stderr], name).toEqual([2, expect.stringContaining(why)]);
      gitIn(repo, 'commit', '-qam', `declare ${name.slice(0, 20)}`);
      const register = await repo.pipe(['model', 'register', name]);
      expect([register.code, register.stdout], name).toEqual([2, '']);
      expect(register.stderr, name).not.toMatch(/internal error|This is a bug/);
      expect(gitIn(repo, 'tag', '-l'), name).toBe(tags);
      gitIn(repo, 'reset', '-q', '--hard', 'HEAD~1');
    }
    // A version tagged by hand on a commit whose data.lock lacks the artifact takes no stage, --force or not.
    gitIn(repo, 'rm', '-q', '--cached', 'data.lock');
    gitIn(repo, 'commit', '-qm', 'no lock');
    gitIn(repo, 'tag', '-a', 'churn@v5.0.0', '-m', 'Registering artifact churn version v5.0.0', 'HEAD');
    for (const force of [[], ['--force']]) {
      const assign = await repo.pipe(['model', 'assign', 'churn', '--stage', 'prod', '--version', 'v5.0.0', ...force]);
      expect([assign.code, assign.stderr]).toEqual([2, 'error: data.lock at churn@v5.0.0 does not hold models/churn (artifact churn): that version cannot be assigned a stage; register one whose data.lock holds it\n']);
    }
    expect(gitIn(repo, 'tag', '-l', 'churn#*')).toBe('');
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

/** The tail of the gate tests' pipelines: evaluate (metrics.json from the model), the churn artifact and one gate rule. */
const EVALUATED = [
  '  evaluate:',
  '    cmd: cp models/churn/weights.txt metrics.json',
  '    deps: [models/churn]',
  '    metrics: [metrics.json]',
  'artifacts:',
  '  churn: {path: models/churn, type: model}',
  'gates:',
  '  - metric: auc',
  '    min: 0.8',
  '',
];

/** models/churn and metrics.json both come from params.yaml (JSON, so metrics.json is its copy): `auc` is the model's metric. */
async function gatedRepo(): Promise<Repo> {
  const repo = await committedRepo({
    'pipeline.yaml': [
      'stages:',
      '  train:',
      '    cmd: mkdir -p models/churn && cp params.yaml models/churn/weights.txt && cp params.yaml metrics.json',
      '    deps: [params.yaml]',
      '    outs: [models/churn]',
      '    metrics: [metrics.json]',
      'artifacts:',
      '  churn: {path: models/churn, type: model}',
      'registry:',
      '  stages: [dev, prod]',
      'gates:',
      '  - metric: auc',
      '    min: 0.8',
      '    max_drop: 0.02',
      '  - metric: auc',
      '    min: 0.95',
      '    branches: [main]',
      '',
    ].join('\n'),
    'params.yaml': '{"auc": 0.97}\n',
  });
  await ok(repo, ['model', 'register', 'churn']);
  return repo;
}

async function commitModel(repo: Repo, auc: number): Promise<void> {
  repo.write('params.yaml', `{"auc": ${auc}}\n`);
  await ok(repo, ['repro']);
  gitIn(repo, 'add', '-A');
  gitIn(repo, 'commit', '-qm', `auc ${auc}`);
  await ok(repo, ['model', 'register', 'churn']);
}

describe('pipe model assign and the gate', () => {
  it('assigns a version that passes every rule (branch-scoped ones too), refuses one that regresses against the holder, and --force overrides', async () => {
    const repo = await gatedRepo();
    const dev = await ok(repo, ['model', 'assign', 'churn', '--stage', 'dev']);
    expect(dev.stdout).toBe("Created git tag 'churn#dev#1': churn@v0.0.1 now holds 'dev'; gate: 2 rules passed; push it with: git push origin churn#dev#1\n");

    await commitModel(repo, 0.94);
    const tagsBefore = gitIn(repo, 'tag', '-l');
    const drop = await repo.pipe(['model', 'assign', 'churn', '--stage', 'dev']);
    expect([drop.code, drop.stdout]).toEqual([1, '']);
    expect(drop.stderr).toBe(
      [
        "error: churn@v0.0.2 fails the gate against churn@v0.0.1, which holds 'dev':",
        '  auc (metrics.json): dropped 0.03 (allowed 0.02) [≥ 0.8, drop ≤ 0.02 (≥ 0.95)]',
        '  auc (metrics.json): below min 0.95 [≥ 0.95]',
        'no tag written; fix the model, or pass --force to assign it anyway',
        '',
      ].join('\n'),
    );
    expect(gitIn(repo, 'tag', '-l')).toBe(tagsBefore);

    const forced = await ok(repo, ['model', 'assign', 'churn', '--stage', 'dev', '--force']);
    expect(forced.stdout).toBe("Created git tag 'churn#dev#2': churn@v0.0.2 now holds 'dev' (it was churn@v0.0.1); push it with: git push origin churn#dev#2\n");
  });

  it('with no holder only the absolute limits apply; the branch-scoped rule applies to a stage too', async () => {
    const repo = await gatedRepo();
    await commitModel(repo, 0.9);
    const low = await repo.pipe(['model', 'assign', 'churn', '--stage', 'dev']);
    expect([low.code, low.stderr]).toEqual([
      1,
      "error: churn@v0.0.2 fails the gate (no version holds 'dev': absolute limits only):\n  auc (metrics.json): below min 0.95 [≥ 0.95]\nno tag written; fix the model, or pass --force to assign it anyway\n",
    ]);
  });
});

describe('model references as revisions', () => {
  it('metrics show and diff take churn#prod, churn@latest and churn@vX.Y.Z; report --base churn#prod names the version; unknown ones exit 2', async () => {
    const repo = await gatedRepo();
    await ok(repo, ['model', 'assign', 'churn', '--stage', 'dev']);
    await ok(repo, ['model', 'assign', 'churn', '--stage', 'prod']);
    await commitModel(repo, 0.99);
    const prod = gitIn(repo, 'rev-parse', '--short=7', 'churn@v0.0.1^{commit}');

    expect((await ok(repo, ['metrics', 'show', 'churn#prod', 'churn@latest'])).stdout).toBe(['Path          Metric  churn#prod  churn@latest', 'metrics.json  auc     0.97        0.99', ''].join('\n'));
    expect((await ok(repo, ['metrics', 'diff', 'churn#prod', 'workspace'])).stdout).toBe(['Path          Metric  churn#prod  workspace  Change', 'metrics.json  auc     0.97        0.99       +0.02 (+2.1%)', ''].join('\n'));
    expect((await ok(repo, ['metrics', 'diff', 'churn@v0.0.1', 'churn@v0.0.2'])).stdout).toContain('+0.02');

    const report = await ok(repo, ['report', '--base', 'churn#prod', '--no-plots']);
    const header = report.stdout.split('\n')[2];
    expect(header).toMatch(new RegExp(`^Head: the workspace of \`[0-9a-f]{7}\` · Base: \`churn#prod\` \\(\`churn@v0\\.0\\.1\` at \`${prod}\`\\) · In prod: \`churn@v0\\.0\\.1\` \\(\`${prod}\`, since \\d{4}-\\d\\d-\\d\\d\\)$`));

    const none = await repo.pipe(['metrics', 'show', 'churn#test']);
    expect([none.code, none.stderr]).toEqual([2, "error: unknown revision 'churn#test': no version of 'churn' is in stage 'test'\n"]);
    const nover = await repo.pipe(['metrics', 'diff', 'churn@v9.0.0']);
    expect([nover.code, nover.stderr]).toEqual([2, "error: unknown revision 'churn@v9.0.0': 'churn' has no version v9.0.0 (registered: v0.0.1, v0.0.2)\n"]);
  });
});

describe('pipe model unassign, deregister and deprecate', () => {
  it('write GTO’s cancelling tags and messages, which show and history then read; refusals exit 2', async () => {
    const repo = await modelRepo();
    await ok(repo, ['model', 'register', 'churn']);
    await ok(repo, ['model', 'assign', 'churn', '--stage', 'prod']);
    await nextVersion(repo, 2);
    await ok(repo, ['model', 'assign', 'churn', '--stage', 'prod']);
    expect((await ok(repo, ['model', 'unassign', 'churn', '--stage', 'prod'])).stdout).toBe(
      "Created git tag 'churn#prod!#3': churn@v0.0.2 no longer holds 'prod' (churn@v0.0.1 holds it now); push it with: git push origin churn#prod!#3\n",
    );
    // The version assigned before still holds it (GTO's reading: several versions may hold a stage).
    expect((await ok(repo, ['model', 'show'])).stdout).toBe('Name   Latest  #prod\nchurn  v0.0.2  v0.0.1\n');
    const notHeld = await repo.pipe(['model', 'unassign', 'churn', '--stage', 'prod', '--version', 'v0.0.2']);
    expect([notHeld.code, notHeld.stderr]).toEqual([2, "error: churn@v0.0.2 holds 'prod' (held by: v0.0.1): nothing to unassign\n"]);

    expect((await ok(repo, ['model', 'deregister', 'churn', 'v0.0.2'])).stdout).toBe("Created git tag 'churn@v0.0.2!': churn@v0.0.2 is deregistered; push it with: git push origin churn@v0.0.2!\n");
    expect((await ok(repo, ['model', 'show'])).stdout).toBe('Name   Latest  #prod\nchurn  v0.0.1  v0.0.1\n');
    const again = await repo.pipe(['model', 'deregister', 'churn', 'v0.0.2']);
    expect([again.code, again.stderr]).toEqual([2, 'error: churn@v0.0.2 is deregistered already\n']);
    const gone = await repo.pipe(['metrics', 'show', 'churn@v0.0.2']);
    expect([gone.code, gone.stderr]).toEqual([2, "error: unknown revision 'churn@v0.0.2': churn@v0.0.2 was deregistered\n"]);
    const missing = await repo.pipe(['model', 'deregister', 'churn', 'v7.0.0']);
    expect([missing.code, missing.stderr]).toEqual([2, 'error: churn has no version v7.0.0 (registered: v0.0.1, v0.0.2 (deregistered))\n']);

    expect((await ok(repo, ['model', 'deprecate', 'churn'])).stdout).toBe("Created git tag 'churn@deprecated#4': churn is deprecated; push it with: git push origin churn@deprecated#4\n");
    expect((await ok(repo, ['model', 'show'])).stdout).toBe('Name                Latest  #prod\nchurn (deprecated)  v0.0.1  v0.0.1\n');

    // git reads what pipe wrote: annotated tags with GTO's messages, on the versions' commits.
    const v1 = gitIn(repo, 'rev-parse', 'churn@v0.0.1^{commit}');
    const v2 = gitIn(repo, 'rev-parse', 'churn@v0.0.2^{commit}');
    expect(gitIn(repo, 'for-each-ref', '--sort=refname', 'refs/tags', '--format=%(objecttype) %(refname:short) %(*objectname) %(contents:subject)').split('\n')).toEqual([
      `tag churn#prod!#3 ${v2} Unassigning stage 'prod' to artifact 'churn' version 'v0.0.2'`,
      `tag churn#prod#1 ${v1} Assigning stage prod to artifact churn version v0.0.1`,
      `tag churn#prod#2 ${v2} Assigning stage prod to artifact churn version v0.0.2`,
      `tag churn@deprecated#4 ${v2} Deprecating artifact 'churn'`,
      `tag churn@v0.0.1 ${v1} Registering artifact churn version v0.0.1`,
      `tag churn@v0.0.2 ${v2} Registering artifact churn version v0.0.2`,
      `tag churn@v0.0.2! ${v2} Deregistering artifact churn version v0.0.2`,
    ]);
    const events = JSON.parse((await ok(repo, ['model', 'history', 'churn', '--json'])).stdout) as { events: { event: string }[] };
    expect(events.events.map((e) => e.event)).toEqual(['register', 'assign', 'register', 'assign', 'unassign', 'deregister', 'deprecate']);
  });
});

describe('the registry after a deregister, a deprecation, a hand-edited metric', () => {
  it('a deregistered prod holder gives prod back; --bump skips its number; deprecation ends with a new version; bad names exit 2', async () => {
    const repo = await modelRepo();
    await ok(repo, ['model', 'register', 'churn']);
    await ok(repo, ['model', 'assign', 'churn', '--stage', 'prod']);
    await nextVersion(repo, 2);
    await ok(repo, ['model', 'assign', 'churn', '--stage', 'prod']);
    await ok(repo, ['model', 'deregister', 'churn', 'v0.0.2']);
    expect((await ok(repo, ['model', 'show'])).stdout).toBe('Name   Latest  #prod\nchurn  v0.0.1  v0.0.1\n');
    const v1 = gitIn(repo, 'rev-parse', 'churn@v0.0.1^{commit}');
    expect(JSON.parse((await ok(repo, ['metrics', 'show', 'churn#prod', '--json'])).stdout).revisions).toEqual([{ rev: 'churn#prod', commit: v1 }]);

    await ok(repo, ['model', 'deprecate', 'churn']);
    await nextVersion(repo, 3);
    expect(gitIn(repo, 'tag', '-l', 'churn@v0.0.3')).toBe('churn@v0.0.3');
    expect((await ok(repo, ['model', 'show'])).stdout).toBe('Name   Latest  #prod\nchurn  v0.0.3  v0.0.1\n');
    const last = await ok(repo, ['model', 'unassign', 'churn', '--stage', 'prod']);
    expect(last.stdout).toContain("churn@v0.0.1 no longer holds 'prod' (no version holds it now)");

    const badVersion = await repo.pipe(['model', 'deregister', 'churn', '1.0']);
    expect([badVersion.code, badVersion.stderr]).toEqual([2, "error: '1.0' is not a version: write vMAJOR.MINOR.PATCH (SemVer 2, e.g. v1.2.0)\n"]);
    const badStage = await repo.pipe(['model', 'unassign', 'churn', '--stage', 'PROD']);
    expect([badStage.code, badStage.stderr]).toEqual([2, "error: 'PROD' is not a stage name: use lowercase letters, digits, '-' and '/' (GTO's names)\n"]);
    // A lightweight tag takes its counter: the next assign does not collide with it.
    gitIn(repo, 'tag', 'churn#dev#9');
    expect((await ok(repo, ['model', 'assign', 'churn', '--stage', 'dev'])).stdout).toContain("Created git tag 'churn#dev#10'");
  });

  it('assign refuses a version whose committed metrics are not what its data.lock records', async () => {
    const repo = await gatedRepo();
    repo.write('metrics.json', '{"auc": 0.999}\n');
    gitIn(repo, 'commit', '-qam', 'better numbers, by hand');
    gitIn(repo, 'tag', '-d', 'churn@v0.0.1');
    await ok(repo, ['model', 'register', 'churn']);
    const r = await repo.pipe(['model', 'assign', 'churn', '--stage', 'dev']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^error: churn@v0\.0\.1 fails the gate \(no version holds 'dev': absolute limits only\):\n {2}metrics\.json is stale: at churn@v0\.0\.1 \([0-9a-f]{7}\) it is not what data\.lock there records stage train writing \(edited after pipe repro, or committed without its data\.lock\)\nno tag written; fix the model, or pass --force to assign it anyway\n$/);
  });

  it('assign refuses a version whose metrics were measured on an earlier model (train run again, evaluate not)', async () => {
    const repo = await committedRepo({
      'pipeline.yaml': [...TRAINED_FROM_PARAMS, ...EVALUATED].join('\n'),
      'params.yaml': '{"auc": 0.97}\n',
    });
    await ok(repo, ['model', 'register', 'churn']);
    await ok(repo, ['model', 'assign', 'churn', '--stage', 'dev']);
    // A worse model, trained but never evaluated: metrics.json still holds the first model's 0.97.
    repo.write('params.yaml', '{"auc": 0.5}\n');
    await ok(repo, ['repro', 'train']);
    gitIn(repo, 'commit', '-qam', 'model 2, not evaluated');
    await ok(repo, ['model', 'register', 'churn']);
    const r = await repo.pipe(['model', 'assign', 'churn', '--stage', 'dev']);
    expect([r.code, r.stdout]).toEqual([1, '']);
    expect(r.stderr).toMatch(
      /^error: churn@v0\.0\.2 fails the gate against churn@v0\.0\.1, which holds 'dev':\n {2}metrics\.json is stale: at churn@v0\.0\.2 \([0-9a-f]{7}\), data\.lock records stage evaluate run on another models\/churn than stage train wrote since \(run pipe repro, then commit\)\nno tag written; fix the model, or pass --force to assign it anyway\n$/,
    );
    expect(gitIn(repo, 'tag', '-l', 'churn#dev*').split('\n')).toHaveLength(1);
  });

  it('assign does not hold a frozen stage, which is never run again, against what its upstream wrote since', async () => {
    const pipeline = (frozen: boolean) =>
      [
        'stages:',
        '  prepare:',
        '    cmd: cp params.yaml data.txt',
        '    deps: [params.yaml]',
        '    outs: [data.txt]',
        '  train:',
        '    cmd: mkdir -p models/churn && cp data.txt models/churn/weights.txt',
        '    deps: [data.txt]',
        '    outs: [models/churn]',
        ...(frozen ? ['    frozen: true'] : []),
        ...EVALUATED,
      ].join('\n');
    const repo = await committedRepo({ 'pipeline.yaml': pipeline(false), 'params.yaml': '{"auc": 0.97}\n' });
    // train frozen: prepare runs on new params, train and evaluate stay as they were — up to date, as status says.
    repo.write('pipeline.yaml', pipeline(true));
    repo.write('params.yaml', '{"auc": 0.5}\n');
    await ok(repo, ['repro']);
    expect((await ok(repo, ['status'])).stdout).toBe('prepare: up to date\ntrain: frozen\n    dep data.txt modified\nevaluate: up to date\n');
    // The workspace's gate agrees: what changed above the frozen train (even params not yet run) does not make evaluate's metrics stale.
    repo.write('params.yaml', '{"auc": 0.4}\n');
    const gate = await repo.pipe(['gate']);
    expect([gate.code, gate.stderr]).toEqual([0, 'gate passed: 1 rule (head: workspace, base: HEAD)\n']);
    repo.write('params.yaml', '{"auc": 0.5}\n');
    gitIn(repo, 'add', '-A');
    gitIn(repo, 'commit', '-qm', 'new data, train frozen');
    await ok(repo, ['model', 'register', 'churn']);
    expect((await ok(repo, ['model', 'assign', 'churn', '--stage', 'dev'])).stdout).toContain('gate: 1 rule passed');
    // The version is judged by its own commit's flags: train unfrozen since does not make it stale.
    repo.write('pipeline.yaml', pipeline(false));
    gitIn(repo, 'commit', '-qam', 'train no longer frozen');
    expect((await ok(repo, ['model', 'assign', 'churn', '--stage', 'prod', '--version', 'v0.0.1'])).stdout).toContain('gate: 1 rule passed');
  });

  it('gate --base churn#prod applies branch-scoped rules only with --target, and a branch named like a reference is still a branch', async () => {
    const repo = await gatedRepo();
    await ok(repo, ['model', 'assign', 'churn', '--stage', 'dev']);
    await ok(repo, ['model', 'assign', 'churn', '--stage', 'prod']);
    repo.write('params.yaml', '{"auc": 0.9}\n');
    await ok(repo, ['repro']);
    const gate = await repo.pipe(['gate', '--base', 'churn#prod']);
    expect(gate.code).toBe(1); // dropped 0.07 against prod's 0.97
    expect(gate.stdout).toMatch(/^auc .* skipped: applies to main; the target branch is unknown \(pass --target\)$/m);
    const targeted = await repo.pipe(['gate', '--base', 'churn#prod', '--target', 'main']);
    expect(targeted.stdout).toMatch(/^auc .*below min 0\.95/m);

    gitIn(repo, 'branch', 'fix#12');
    expect(JSON.parse((await ok(repo, ['metrics', 'show', 'fix#12', '--json'])).stdout).revisions).toEqual([{ rev: 'fix#12', commit: gitIn(repo, 'rev-parse', 'HEAD') }]);
  });
});
