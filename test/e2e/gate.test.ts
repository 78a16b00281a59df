/** @module `pipe gate` on a repository with real commits: improved and regressed metrics, branch-scoped rules, malformed rules. */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { commitAll, git } from '../helpers/git.js';
import { makeRepo, ok, removeRepos, template, type Repo } from '../helpers/repo.js';

afterAll(removeRepos);

const GATES = `gates:
  - metric: auc
    min: 0.8
    max_drop: 0.01
  - metric: logloss
    max_rise: 0.02
  - metric: metrics/eval.json:rows
    required: true
  - metric: auc
    min: 0.86
    branches: [main, release/*]
`;

/** Stage `check` writes metrics/data.json and a cached data/clean.json from its input; `evaluate`, downstream of it, writes metrics/eval.json. */
const pipelineWith = (gates: string) => `stages:
  check:
    cmd: node check.js
    deps: [check.js, inputs/data.json]
    outs: [data/clean.json]
    metrics: [metrics/data.json]
  evaluate:
    cmd: cp inputs/eval.json metrics/eval.json
    deps: [inputs/eval.json, data/clean.json]
    metrics: [metrics/eval.json]
${gates}`;

/** Writes the stages' inputs and runs the pipeline, which must succeed. */
async function run(repo: Repo, evalJson: object, data: object = { rows_in: 5000 }): Promise<void> {
  repo.write('inputs/eval.json', JSON.stringify(evalJson));
  repo.write('inputs/data.json', JSON.stringify(data));
  await ok(repo, ['repro']);
}

/** main: base (auc 0.85); branch good: auc 0.87, logloss down; branch bad: auc 0.83, logloss up 0.05, rows gone. Each ran `pipe repro`. */
/** Fails when its input says so, before writing anything. */
const CHECK = `const fs = require('fs');
const v = JSON.parse(fs.readFileSync('inputs/data.json', 'utf8'));
if (v.fail) { console.error('check: the data is bad'); process.exit(1); }
fs.writeFileSync('metrics/data.json', JSON.stringify(v));
fs.mkdirSync('data', { recursive: true });
fs.writeFileSync('data/clean.json', JSON.stringify(v));
`;

const history = template(async () => {
  const repo = makeRepo({ 'pipeline.yaml': pipelineWith(GATES), 'check.js': CHECK, 'metrics/.keep': '' });
  git(repo, 'checkout', '-q', '-b', 'main');
  await run(repo, { auc: 0.85, logloss: 0.4, rows: 1000 });
  commitAll(repo, 'base');
  git(repo, 'checkout', '-q', '-b', 'good');
  await run(repo, { auc: 0.87, logloss: 0.38, rows: 1000 });
  commitAll(repo, 'better model');
  git(repo, 'checkout', '-q', '-b', 'bad', 'main');
  await run(repo, { auc: 0.83, logloss: 0.45 });
  commitAll(repo, 'worse model');
  return repo;
});

async function at(branch: string): Promise<Repo> {
  const repo = await history();
  git(repo, 'checkout', '-q', branch);
  return repo;
}

describe('pipe gate', () => {
  it('improved metrics pass: one row per rule, exit 0; the branch-scoped rule is skipped without a target', async () => {
    const r = await (await at('good')).pipe(['gate', '--base', 'main', '--target', 'dev']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe(
      [
        'Metric                  Base (main)  Head (workspace)  Limit                        Result',
        'auc                     0.85         0.87              ≥ 0.8, drop ≤ 0.01 (≥ 0.84)  pass',
        'logloss                 0.4          0.38              rise ≤ 0.02 (≤ 0.42)         pass',
        'metrics/eval.json:rows  1000         1000              required                     pass',
        'auc                     0.85         0.87              ≥ 0.86                       skipped: applies to main, release/*, not dev',
        '',
      ].join('\n'),
    );
    expect(r.stderr).toBe('gate passed: 3 rules (1 skipped) (head: workspace, base: main, into dev)\n');
  });

  it('regressed metrics fail with why, exit 1; the rule for main applies when the target is main', async () => {
    const r = await (await at('bad')).pipe(['gate', '--base', 'main', '--md']);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe(
      [
        '| Metric | Base (main) | Head (workspace) | Limit | Result |',
        '| --- | --- | --- | --- | --- |',
        '| auc | 0.85 | 0.83 | ≥ 0.8, drop ≤ 0.01 (≥ 0.84) | ❌ FAIL: dropped 0.02 (allowed 0.01) |',
        '| logloss | 0.4 | 0.45 | rise ≤ 0.02 (≤ 0.42) | ❌ FAIL: rose 0.05 (allowed 0.02) |',
        '| metrics/eval.json:rows | 1000 | — | required | ❌ FAIL: missing in the head revision |',
        '| auc | 0.85 | 0.83 | ≥ 0.86 | ❌ FAIL: below min 0.86 |',
        '',
      ].join('\n'),
    );
    expect(r.stderr).toContain('error: gate failed: auc (dropped 0.02 (allowed 0.01)); logloss (rose 0.05 (allowed 0.02)); metrics/eval.json:rows');
    expect(r.stderr).toContain('(head: workspace, base: main, into main)');
  });

  it('--json gives every rule with its values and the verdict', async () => {
    const r = await (await at('bad')).pipe(['gate', '--base', 'main', '--json', '--target', 'dev']);
    expect(r.code).toBe(1);
    const j = JSON.parse(r.stdout) as { passed: boolean; target: string; rules: { metric: string; result: string; base: unknown; head: unknown }[] };
    expect(j.passed).toBe(false);
    expect(j.target).toBe('dev');
    expect(j.rules.map((x) => [x.metric, x.result, x.base, x.head])).toEqual([
      ['auc', 'fail', 0.85, 0.83],
      ['logloss', 'fail', 0.4, 0.45],
      ['metrics/eval.json:rows', 'fail', 1000, null],
      ['auc', 'skipped', 0.85, 0.83],
    ]);
  });

  it('the base defaults to HEAD (an unchanged workspace passes) and to origin/$GITHUB_BASE_REF in CI', async () => {
    const repo = await at('bad');
    const plain = await repo.pipe(['gate', '--target', 'dev']);
    expect(plain.code, plain.stdout + plain.stderr).toBe(1); // rows is required and absent, whatever the base
    expect(plain.stdout).toMatch(/^auc +0\.83 +0\.83 .* pass$/m);
    git(repo, 'update-ref', 'refs/remotes/origin/main', 'main');
    const ci = await repo.pipe(['gate'], { env: { GITHUB_BASE_REF: 'main' } });
    expect(ci.stdout).toContain('Base (origin/main)');
    expect(ci.stdout).toMatch(/^auc +0\.85 +0\.83 +≥ 0\.86 +FAIL: below min 0\.86$/m);
    const missing = await repo.pipe(['gate'], { env: { GITHUB_BASE_REF: 'nope' } });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain("neither origin/nope nor nope exists in this clone: fetch the base branch");
  });

  it('malformed rules: exit 2, each located in pipeline.yaml, all at once', async () => {
    const repo = makeRepo({
      'pipeline.yaml': pipelineWith(`gates:
  - metric: auc
  - metric: auc
    min: 0.9
    max: 0.8
  - metric: logloss
    max_drop: 0.1
    max_rise: 0.1
  - metric: metrics/other.json:auc
    min: 1
  - metric: auc
    min: high
`),
      'metrics/eval.json': '{"auc": 0.9}',
    });
    const r = await repo.pipe(['gate']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("pipeline.yaml:12:5: gates[0]: rule for 'auc' checks nothing: give min, max, max_drop, max_rise or required");
    expect(r.stderr).toContain('pipeline.yaml:14:10: gates[1].min: min 0.9 is above max 0.8: no value can pass');
    expect(r.stderr).toContain('pipeline.yaml:18:15: gates[2].max_rise: max_drop (higher is better) and max_rise (lower is better) contradict each other; keep one');
    expect(r.stderr).toContain("pipeline.yaml:19:13: gates[3].metric: 'metrics/other.json' is not a metrics file of this pipeline (declared: metrics/data.json, metrics/eval.json)");
    expect(r.stderr).toMatch(/pipeline\.yaml:22:10: gates\[4\]\.min: .*number/);
  });

  it('a metric in two metrics files must be named file:key (exit 2, located)', async () => {
    const repo = makeRepo({
      'pipeline.yaml': pipelineWith('gates:\n  - metric: rows\n    min: 1\n'),
      'metrics/eval.json': '{"rows": 10}',
      'metrics/data.json': '{"rows": 20}',
    });
    git(repo, 'checkout', '-q', '-b', 'main');
    commitAll(repo, 'c1');
    const r = await repo.pipe(['gate']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(
      "pipeline.yaml:12:13: gates[0].metric: 'rows' is in more than one metrics file (metrics/data.json, metrics/eval.json); write file:key, e.g. metrics/data.json:rows",
    );
  });

  it('no gates: passes and says there is nothing to check; an unknown base is exit 2', async () => {
    const repo = makeRepo({ 'pipeline.yaml': pipelineWith(''), 'metrics/eval.json': '{"auc": 0.9}' });
    commitAll(repo, 'c1');
    const r = await repo.pipe(['gate']);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain("gate passed: no rules ('gates:' in pipeline.yaml is empty)");
    const bad = await repo.pipe(['gate', '--base', 'no-such-branch']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("unknown revision 'no-such-branch'");
  });

  it('a failed upstream stage: the metrics the gate reads are stale, so it fails naming the stage, however good the values (exit 1)', async () => {
    const repo = await at('good');
    repo.write('inputs/data.json', JSON.stringify({ fail: true }));
    const run = await repo.pipe(['repro']);
    expect(run.code).toBe(1);
    const r = await repo.pipe(['gate', '--base', 'main', '--target', 'dev']);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^auc +0\.85 +0\.87 .* pass$/m); // the rows still show what was read
    expect(r.stderr).toContain('error: gate failed: metrics/eval.json is stale: stage evaluate is not up to date (check failed)');
    expect(r.stderr).toContain("run 'pipe repro' (and fix what failed), then commit data.lock and the metrics");
    expect(r.stderr).not.toContain('note:'); // the cached data the failed stage removed is beside the point
    const json = await repo.pipe(['gate', '--base', 'main', '--json']);
    expect(json.code).toBe(1);
    expect((JSON.parse(json.stdout) as { passed: boolean; stale: unknown[] }).stale).toEqual([
      { path: 'metrics/eval.json', stage: 'evaluate', why: 'stage evaluate is not up to date (check failed)' },
    ]);
    const report = await repo.pipe(['report', '--base', 'main', '--no-plots']);
    expect(report.code).toBe(0);
    const md = report.stdout.split('\n');
    expect(md.find((l) => l.startsWith('## '))).toBe('## ❌ Gate failed');
    expect(report.stdout).toContain('Failed: metrics/eval.json is stale: stage evaluate is not up to date (check failed) into `main`, against `main`.');
  });

  it('an input changed without a run, or a metrics file edited by hand: stale, with the reason pipe status gives', async () => {
    const repo = await at('good');
    repo.write('inputs/data.json', JSON.stringify({ rows_in: 4000 }));
    const upstream = await repo.pipe(['gate', '--base', 'main']);
    expect(upstream.code).toBe(1);
    expect(upstream.stderr).toContain(
      'gate failed: metrics/eval.json is stale: stage evaluate is not up to date (upstream stage check: dep inputs/data.json modified)',
    );
    git(repo, 'checkout', '-q', '--', 'inputs/data.json');
    repo.write('metrics/eval.json', JSON.stringify({ auc: 0.99, logloss: 0.1, rows: 1000 }));
    const edited = await repo.pipe(['gate', '--base', 'main']);
    expect(edited.code).toBe(1);
    expect(edited.stderr).toContain('gate failed: metrics/eval.json is stale: stage evaluate is not up to date (out metrics/eval.json modified)');
  });

  it('a clone without the cached data (CI before pipe pull) is judged by what git holds: passes, and says what it could not check', async () => {
    const repo = (await at('good')).clone();
    rmSync(join(repo.dir, 'data'), { recursive: true, force: true });
    const r = await repo.pipe(['gate', '--base', 'main', '--target', 'dev']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain("note: data/clean.json is not in the workspace ('pipe pull' fetches it); the gate took data.lock's record of it as it is");
  });

  it('without a base (no commit yet, or no git at all) gate and report say what to do locally, not what CI lacks (exit 2)', async () => {
    const repo = makeRepo({ 'pipeline.yaml': pipelineWith(GATES), 'metrics/eval.json': '{"auc": 0.9}' });
    for (const cmd of ['gate', 'report']) {
      const r = await repo.pipe([cmd]);
      expect(r.code).toBe(2);
      expect(r.stderr).toBe(
        'error: no base revision to compare with: HEAD has no commit yet; pass --base REV (a branch, tag or commit, e.g. --base main), or commit the metrics first (the base is then HEAD)\n',
      );
    }
    rmSync(join(repo.dir, '.git'), { recursive: true, force: true });
    const r = await repo.pipe(['gate']);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe("error: no base revision to compare with: this is not a git repository; the base is a git revision: 'git init', commit, then run this again\n");
  });
});
