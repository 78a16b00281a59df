/** @module `pipe report` on a repository with real commits and real runs: sections in order, exact rows, verdicts, the last run's stages. */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { commitAll, git } from '../helpers/git.js';
import { makeRepo, removeRepos, template, type Repo } from '../helpers/repo.js';

afterAll(removeRepos);

const PIPELINE = `stages:
  validate:
    cmd: cp inputs/validation.json metrics/validation.json
    deps: [inputs/validation.json]
    metrics: [metrics/validation.json]
  evaluate:
    cmd: cp inputs/eval.json metrics/eval.json && cp inputs/roc.json plots/roc.json
    deps: [inputs/eval.json, inputs/roc.json, metrics/validation.json]
    params: [train.lr]
    metrics: [metrics/eval.json]
    plots:
      - plots/roc.json: {template: linear, x: fpr, y: tpr, title: ROC}
gates:
  - metric: auc
    min: 0.8
    max_drop: 0.01
`;

const validation = (failing: boolean) =>
  JSON.stringify({
    passed: !failing,
    checks: [
      { name: 'rows', value: 5000, op: '>=', threshold: 1000, pass: true },
      { name: 'psi:tenure', value: failing ? 0.31 : 0.02, op: '<=', threshold: 0.2, pass: !failing },
    ],
  });

const roc = (k: number) => JSON.stringify([0, 0.25, 0.5, 0.75, 1].map((fpr) => ({ fpr, tpr: Math.min(1, fpr ** k) })));

async function repro(repo: Repo, ...args: string[]) {
  const r = await repo.pipe(['repro', ...args]);
  expect(r.code, r.stdout + r.stderr).toBe(0);
}

/** main: auc 0.85; better: lr 0.02, auc 0.87, logloss down; worse: auc 0.83, a failing drift check. Each branch ran `pipe repro`. */
const history = template(async () => {
  const repo = makeRepo({
    'pipeline.yaml': PIPELINE,
    'params.yaml': 'train:\n  lr: 0.01\n',
    'inputs/eval.json': JSON.stringify({ auc: 0.85, logloss: 0.4, rows: 1000 }),
    'inputs/validation.json': validation(false),
    'inputs/roc.json': roc(0.5),
    'metrics/.keep': '',
    'plots/.keep': '',
  });
  git(repo, 'checkout', '-q', '-b', 'main');
  await repro(repo);
  commitAll(repo, 'base');
  git(repo, 'checkout', '-q', '-b', 'better');
  repo.write('params.yaml', 'train:\n  lr: 0.02\n');
  repo.write('inputs/eval.json', JSON.stringify({ auc: 0.87, logloss: 0.38, rows: 1000 }));
  repo.write('inputs/roc.json', roc(0.4));
  await repro(repo);
  commitAll(repo, 'better');
  git(repo, 'checkout', '-q', '-b', 'worse', 'main');
  await repro(repo); // up to date: main's lock and files
  repo.write('inputs/eval.json', JSON.stringify({ auc: 0.83, logloss: 0.45, rows: 1000 }));
  repo.write('inputs/validation.json', validation(true));
  await repro(repo);
  commitAll(repo, 'worse');
  return repo;
});

/** The report of `branch`'s workspace against main; `better` is made here (its run is the last one), `worse` was the template's last run. */
async function reportOn(branch: 'better' | 'worse', args: string[] = []): Promise<{ repo: Repo; md: string; stderr: string }> {
  const repo = await history();
  if (branch === 'better') {
    git(repo, 'checkout', '-q', 'better');
    // A run here makes this branch's the last one: up to date, then evaluate runs for a new input.
    repo.write('inputs/eval.json', JSON.stringify({ auc: 0.87, logloss: 0.38, rows: 1001 }));
    await repro(repo);
    repo.write('inputs/eval.json', JSON.stringify({ auc: 0.87, logloss: 0.38, rows: 1000 }));
    // Not restored from the run-cache: the report is to show a stage that ran.
    await repro(repo, '--no-run-cache');
  }
  const r = await repo.pipe(['report', '--base', 'main', '-o', 'out/report.md', ...args]);
  expect(r.code, r.stdout + r.stderr).toBe(0);
  return { repo, md: readFileSync(join(repo.dir, 'out/report.md'), 'utf8'), stderr: r.stderr };
}

const sections = (md: string) => md.split('\n').filter((l) => /^#{1,2} /.test(l));

describe('pipe report', () => {
  it('improved metrics: the verdict first, then metrics marked better, params, validation, stages, plots', async () => {
    const { md, stderr } = await reportOn('better', ['--no-plots']);
    expect(stderr).toBe('report written to out/report.md\n');
    expect(sections(md)).toEqual(['# pipe report: `better` @ `' + md.match(/@ `([0-9a-f]{7})`/)?.[1] + '`', '## ✅ Gate passed', '## Metrics', '## Params', '## Data validation', '## Stages']);
    expect(md).toContain('Head: the workspace of `');
    expect(md).toMatch(/Base: `main` \(`[0-9a-f]{7}`\)/);
    expect(md).toContain('Passed: 1 rule into `main`, against `main`.');
    expect(md).toContain('| auc | 0.85 | 0.87 | ≥ 0.8, drop ≤ 0.01 (≥ 0.84) | ✅ pass |');
    expect(md).toContain(
      [
        '| Path | Metric | main | workspace | Change | % |  |',
        '| --- | --- | --- | --- | --- | --- | --- |',
        '| metrics/eval.json | auc | 0.85 | 0.87 | +0.02 | +2.4% | 🟢 better |',
        '| metrics/eval.json | logloss | 0.4 | 0.38 | -0.02 | -5.0% | 🟢 better |',
        '',
        '1 unchanged metric not shown.',
      ].join('\n'),
    );
    expect(md).toContain('| params.yaml | train.lr | 0.01 | 0.02 | +0.01 (+100.0%) |');
    expect(md).toContain('- `metrics/validation.json`: ✅ passed, 2 checks (base: passed)');
    expect(md).toMatch(/^Last `pipe repro`: succeeded at .* in \d+\.\d s — 1 ran, 0 restored, 1 up to date\.$/m);
    expect(md).toMatch(/^\| evaluate \| ▶️ ran \| \d+\.\d\d s \| dep inputs\/eval\.json modified( \(\+\d more\))? \|$/m);
    expect(md).toContain('| validate | ⏭️ up to date |  |  |');
    expect(md).not.toContain('⚠️');
  });

  it('regressed metrics: gate failed with why, worse marked, the failing validation check listed', async () => {
    const { md } = await reportOn('worse', ['--no-plots']);
    expect(sections(md)[1]).toBe('## ❌ Gate failed');
    expect(md).toContain('Failed: auc (dropped 0.02 (allowed 0.01)) into `main`, against `main`.');
    expect(md).toContain('| auc | 0.85 | 0.83 | ≥ 0.8, drop ≤ 0.01 (≥ 0.84) | ❌ FAIL: dropped 0.02 (allowed 0.01) |');
    expect(md).toContain('| metrics/eval.json | auc | 0.85 | 0.83 | -0.02 | -2.4% | 🔴 worse |');
    expect(md).toContain('| metrics/eval.json | logloss | 0.4 | 0.45 | +0.05 | +12.5% | 🔴 worse |');
    expect(md).toContain('No params changed between `main` and `workspace`.');
    expect(md).toMatch(/^Last `pipe repro`: succeeded at .* — 2 ran, 0 restored, 0 up to date\.$/m);
    expect(md).toMatch(/^\| validate \| ▶️ ran \| \d+\.\d\d s \| dep inputs\/validation\.json modified \|$/m);
    expect(md).toContain('- `metrics/validation.json`: ❌ failed, 1 of 2 checks failed (base: passed)');
    expect(md).toContain('| metrics/validation.json | psi:tenure | 0.31 | <= 0.2 |');
    // Validation results are summarised, not spread over the metrics table.
    expect(md).not.toMatch(/\| metrics\/validation\.json \| checks\./);
  });

  it('a run record that no longer matches data.lock is flagged; without any run the section says so', async () => {
    const { repo } = await reportOn('better', ['--no-plots']);
    writeFileSync(join(repo.dir, 'data.lock'), `${readFileSync(join(repo.dir, 'data.lock'), 'utf8')}# edited\n`);
    const stale = await repo.pipe(['report', '--base', 'main', '--no-plots']);
    expect(stale.stdout).toContain('⚠️ data.lock has changed since that run');
    const fresh = repo.clone();
    git(fresh, 'checkout', '-q', '--', 'data.lock');
    writeFileSync(join(fresh.dir, '.pipe/tmp/last-repro.json'), 'not json');
    const none = await fresh.pipe(['report', '--base', 'main', '--no-plots']);
    expect(none.code).toBe(0);
    expect(none.stdout).toContain('No `pipe repro` has run in this workspace');
  });

  it('plots: files written next to the report and linked, a Mermaid chart inline', async () => {
    const { repo, md } = await reportOn('better');
    expect(md).toContain('### ROC');
    expect(md).toMatch(/```mermaid\n(%%\{init: .*\}%%\n)?xychart-beta\n[\s\S]*?\n {4}line \[[^\]]+\]\n {4}line \[[^\]]+\]\n```/);
    const links = [...md.matchAll(/\]\((report-plots\/[^)]+)\)/g)].map((m) => m[1] as string);
    expect(links.some((l) => l.endsWith('.svg'))).toBe(true);
    expect(links.some((l) => l.endsWith('.png'))).toBe(true);
    for (const l of links) expect(existsSync(join(repo.dir, 'out', decodeURI(l))), l).toBe(true);
  });

  it('a plot that cannot be drawn (a field no revision has) is a warning in the report, not a failed report', async () => {
    const repo = await history();
    repo.write('pipeline.yaml', PIPELINE.replace('y: tpr', 'y: sensitivity'));
    const r = await repo.pipe(['report', '--base', 'main', '-o', 'out/report.md']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/^warning: .*sensitivity/m);
    expect(readFileSync(join(repo.dir, 'out/report.md'), 'utf8')).toMatch(/^## Plots\n\n⚠️ The plots could not be drawn: .*sensitivity/m);
  });

  it('an -o that cannot be written is one line, exit 2', async () => {
    const repo = await history();
    repo.write('blocker', 'a file where a directory would go\n');
    const r = await repo.pipe(['report', '--no-plots', '-o', 'blocker/report.md']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^error: cannot write the report to .*blocker\/report\.md: .*; choose another file with -o\n$/);
  });

  it('--base defaults to HEAD; stdout without -o; bad flags and revisions are exit 2', async () => {
    const repo = await history();
    git(repo, 'checkout', '-q', 'better');
    const r = await repo.pipe(['report', '--no-plots']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Base: `HEAD`');
    expect(r.stdout).toContain('| metrics/eval.json | auc | 0.87 | 0.87 | 0 | 0% |  |');
    expect(r.stdout).toContain('2 unchanged metrics not shown.');
    expect(r.stdout).not.toContain('## Plots');
    expect((await repo.pipe(['report', '--base', 'nope'])).code).toBe(2);
    expect((await repo.pipe(['report', '--precision', 'x'])).code).toBe(2);
  });
});
