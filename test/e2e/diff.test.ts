/** @module `pipe params diff` and `pipe metrics show|diff` across real commits: tables, Markdown, JSON, every kind of revision, packed and shallow repositories. */
import { realpathSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { commitAll, git } from '../helpers/git.js';
import { makeRepo, ok, removeRepos, Repo, template } from '../helpers/repo.js';
import { tempDir } from '../helpers/temp-dir.js';

afterAll(removeRepos);

const PIPELINE_1 = `stages:
  train:
    cmd: echo train
    params: [train.lr]
    metrics: [metrics/eval.json]
`;
const PIPELINE_3 = `${PIPELINE_1}  evaluate:
    cmd: echo evaluate
    params: [{conf/eval.yaml: [threshold]}]
    metrics:
      - metrics/extra.yaml: {cache: false}
`;

/**
 * main:  c1 (tags v1, annotated v1-notes) ── c2 ── c3 (HEAD: adds a stage with metrics/extra.yaml and conf/eval.yaml)
 * dev:                                        └── d1 (auc 0.9)
 */
const history = template(async () => {
  const repo = makeRepo({
    'pipeline.yaml': PIPELINE_1,
    'params.yaml': 'train:\n  lr: 0.01\n  epochs: 10\n  optimizer: adam\n  hidden: [64, 32]\n',
    'metrics/eval.json': JSON.stringify({ auc: 0.8, loss: 0.5, model: 'mlp', per_class: { churn: { f1: 0.6 } }, old_only: 1 }),
  });
  git(repo, 'checkout', '-q', '-b', 'main');
  commitAll(repo, 'c1');
  git(repo, 'tag', 'v1');
  git(repo, 'tag', '-a', 'v1-notes', '-m', 'first results');
  repo.write('params.yaml', 'train:\n  lr: 0.02\n  epochs: 10\n  optimizer: sgd\n  hidden: [64, 32]\n  batch: 256\n');
  repo.write('metrics/eval.json', JSON.stringify({ auc: 0.8123, loss: 0.5, model: 'mlp-v2', per_class: { churn: { f1: 0.65 } }, rows: 1000 }));
  commitAll(repo, 'c2');
  git(repo, 'checkout', '-q', '-b', 'dev');
  repo.write('metrics/eval.json', JSON.stringify({ auc: 0.9, loss: 0.5, model: 'mlp-v2', per_class: { churn: { f1: 0.65 } }, rows: 1000 }));
  commitAll(repo, 'd1');
  git(repo, 'checkout', '-q', 'main');
  repo.write('pipeline.yaml', PIPELINE_3);
  repo.write('conf/eval.yaml', 'threshold: 0.5\n');
  repo.write('metrics/extra.yaml', 'latency_ms: 12\npassed: true\n');
  commitAll(repo, 'c3');
  return repo;
});

const sha = (repo: Repo, rev: string) => git(repo, 'rev-parse', `${rev}^{commit}`).trim();

const V1_TO_C2_MD = [
  '| Path | Metric | v1 | HEAD~1 | Change |',
  '| --- | --- | --- | --- | --- |',
  '| metrics/eval.json | auc | 0.8 | 0.8123 | +0.0123 (+1.5%) |',
  '| metrics/eval.json | model | mlp | mlp-v2 | changed |',
  '| metrics/eval.json | per_class.churn.f1 | 0.6 | 0.65 | +0.05 (+8.3%) |',
  '| metrics/eval.json | rows | — | 1000 | added |',
  '| metrics/eval.json | old_only | 1 | — | removed |',
  '',
].join('\n');

describe('metrics diff', () => {
  it('--md: changed, added and removed keys, text values and nested keys; unchanged ones left out', async () => {
    const r = await ok(await history(), ['metrics', 'diff', 'v1', 'HEAD~1', '--md']);
    expect(r.stdout).toBe(V1_TO_C2_MD);
    expect(r.stderr).toBe('');
  });

  it('an aligned table by default; a metrics file absent at A shows — and added', async () => {
    const r = await ok(await history(), ['metrics', 'diff', 'HEAD~1', 'HEAD']);
    expect(r.stdout).toBe(
      [
        'Path                Metric      HEAD~1  HEAD  Change',
        'metrics/extra.yaml  latency_ms  —       12    added',
        'metrics/extra.yaml  passed      —       true  added',
        '',
      ].join('\n'),
    );
  });

  it('--json: per path and key {state, old, new, diff, pct}, with both commits', async () => {
    const repo = await history();
    const r = await ok(repo, ['metrics', 'diff', 'v1', 'HEAD~1', '--json']);
    expect(JSON.parse(r.stdout)).toEqual({
      a: { rev: 'v1', commit: sha(repo, 'v1') },
      b: { rev: 'HEAD~1', commit: sha(repo, 'HEAD~1') },
      files: {
        'metrics/eval.json': {
          auc: { state: 'changed', old: 0.8, new: 0.8123, diff: 0.0123, pct: 1.5375 },
          model: { state: 'changed', old: 'mlp', new: 'mlp-v2', diff: null, pct: null },
          'per_class.churn.f1': { state: 'changed', old: 0.6, new: 0.65, diff: 0.05, pct: 8.33333333333 },
          rows: { state: 'added', old: null, new: 1000, diff: null, pct: null },
          old_only: { state: 'removed', old: 1, new: null, diff: null, pct: null },
        },
      },
    });
  });

  it('--all adds the unchanged keys; --precision rounds', async () => {
    const r = await ok(await history(), ['metrics', 'diff', 'v1', 'HEAD~1', '--all', '--md', '--precision', '2']);
    expect(r.stdout).toContain('| metrics/eval.json | loss | 0.5 | 0.5 | 0 |\n');
    expect(r.stdout).toContain('| metrics/eval.json | auc | 0.8 | 0.81 | +0.012 (+1.5%) |\n');
  });

  it('reads the same commit through an annotated tag, an abbreviated and a full id, a branch and ~/^', async () => {
    const repo = await history();
    const c1 = sha(repo, 'v1');
    const files = async (a: string, b: string) => JSON.parse((await ok(repo, ['metrics', 'diff', a, b, '--json'])).stdout).files;
    const expected = await files('v1', 'HEAD~1');
    expect(await files('v1-notes', 'main^')).toEqual(expected);
    expect(await files(c1.slice(0, 7), 'main~1')).toEqual(expected);
    expect(await files(c1, 'dev~1')).toEqual(expected);
    expect(await files('HEAD~2', 'refs/heads/dev^1')).toEqual(expected);
  });

  it('compares HEAD with the workspace by default, and says so on stderr when nothing changed', async () => {
    const repo = await history();
    const same = await ok(repo, ['metrics', 'diff']);
    expect(same.stdout).toBe('');
    expect(same.stderr).toBe('No metrics changed between HEAD and workspace.\n');
    repo.write('metrics/eval.json', JSON.stringify({ auc: 0.8, loss: 0.5, model: 'mlp-v2', per_class: { churn: { f1: 0.65 } }, rows: 1000 }));
    const r = await ok(repo, ['metrics', 'diff', '--md']);
    expect(r.stdout).toBe(
      ['| Path | Metric | HEAD | workspace | Change |', '| --- | --- | --- | --- | --- |', '| metrics/eval.json | auc | 0.8123 | 0.8 | -0.0123 (-1.5%) |', ''].join('\n'),
    );
    expect(git(repo, 'status', '--porcelain')).toBe(' M metrics/eval.json\n');
  });

  it('shows a metrics file that does not parse as absent, with a warning', async () => {
    const repo = await history();
    repo.write('metrics/extra.yaml', 'latency_ms: [12\n');
    const r = await ok(repo, ['metrics', 'diff', '--md']);
    expect(r.stdout).toContain('| metrics/extra.yaml | latency_ms | 12 | — | removed |\n');
    expect(r.stderr).toMatch(/^warning: metrics\/extra\.yaml in the workspace cannot be read as JSON or YAML \(line \d+, column \d+: .*\); shown as absent$/m);
  });

  it('exits 2 for an unknown revision, naming it', async () => {
    const repo = await history();
    const r = await repo.pipe(['metrics', 'diff', 'nope']);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe("error: unknown revision 'nope': not a branch, tag or commit in this repository\n");
    const past = await repo.pipe(['metrics', 'diff', 'HEAD~9', 'HEAD']);
    expect(past.code).toBe(2);
    expect(past.stderr).toMatch(/^error: unknown revision 'HEAD~9': it goes back past the first commit/);
  });

  it('refuses bad arguments with exit 2', async () => {
    const repo = await history();
    for (const args of [['metrics'], ['metrics', 'plot'], ['metrics', 'diff', 'a', 'b', 'c'], ['metrics', 'diff', '--json', '--md'], ['metrics', 'diff', '--precision', '0'], ['metrics', 'diff', '--all-branches'], ['params', 'show']]) {
      const r = await repo.pipe(args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr, args.join(' ')).toMatch(/^error: /);
    }
  });
});

describe('params diff', () => {
  it('compares every key of the params files the pipeline reads; a params file absent at A shows as added', async () => {
    const r = await ok(await history(), ['params', 'diff', 'v1', 'HEAD', '--md']);
    expect(r.stdout).toBe(
      [
        '| Path | Param | v1 | HEAD | Change |',
        '| --- | --- | --- | --- | --- |',
        '| params.yaml | train.lr | 0.01 | 0.02 | +0.01 (+100.0%) |',
        '| params.yaml | train.optimizer | adam | sgd | changed |',
        '| params.yaml | train.batch | — | 256 | added |',
        '| conf/eval.yaml | threshold | — | 0.5 | added |',
        '',
      ].join('\n'),
    );
  });

  it('--all shows unchanged keys too, lists as values', async () => {
    const r = await ok(await history(), ['params', 'diff', 'v1', 'HEAD~1', '--all']);
    expect(r.stdout).toMatch(/^params\.yaml\s+train\.epochs\s+10\s+10\s+0$/m);
    expect(r.stdout).toMatch(/^params\.yaml\s+train\.hidden\s+\[64, 32\]\s+\[64, 32\]$/m);
  });

  it('compares HEAD with the workspace by default', async () => {
    const repo = await history();
    repo.write('params.yaml', 'train:\n  lr: 0.03\n  epochs: 10\n  optimizer: sgd\n  hidden: [64, 32]\n  batch: 256\n');
    const r = await ok(repo, ['params', 'diff', '--json']);
    expect(JSON.parse(r.stdout)).toEqual({
      a: { rev: 'HEAD', commit: sha(repo, 'HEAD') },
      b: { rev: 'workspace', commit: null },
      files: { 'params.yaml': { 'train.lr': { state: 'changed', old: 0.02, new: 0.03, diff: 0.01, pct: 50 } } },
    });
  });
});

describe('metrics show', () => {
  it('prints the metrics of the workspace', async () => {
    const r = await ok(await history(), ['metrics', 'show', '--md']);
    expect(r.stdout).toBe(
      [
        '| Path | Metric | workspace |',
        '| --- | --- | --- |',
        '| metrics/eval.json | auc | 0.8123 |',
        '| metrics/eval.json | loss | 0.5 |',
        '| metrics/eval.json | model | mlp-v2 |',
        '| metrics/eval.json | per_class.churn.f1 | 0.65 |',
        '| metrics/eval.json | rows | 1000 |',
        '| metrics/extra.yaml | latency_ms | 12 |',
        '| metrics/extra.yaml | passed | true |',
        '',
      ].join('\n'),
    );
  });

  it('--all-branches: a column for every local branch, — where a branch lacks a metric', async () => {
    const repo = await history();
    const r = await ok(repo, ['metrics', 'show', '--all-branches']);
    expect(r.stdout.split('\n')[0]).toMatch(/^Path\s+Metric\s+workspace\s+dev\s+main$/);
    expect(r.stdout).toMatch(/^metrics\/eval\.json\s+auc\s+0\.8123\s+0\.9\s+0\.8123$/m);
    expect(r.stdout).toMatch(/^metrics\/extra\.yaml\s+latency_ms\s+12\s+—\s+12$/m);
    const json = JSON.parse((await ok(repo, ['metrics', 'show', '--all-branches', '--json'])).stdout);
    expect(json.revisions).toEqual([
      { rev: 'workspace', commit: null },
      { rev: 'dev', commit: sha(repo, 'dev') },
      { rev: 'main', commit: sha(repo, 'main') },
    ]);
    expect(json.files['metrics/extra.yaml'].latency_ms).toEqual({ workspace: 12, main: 12 });
  });

  it('reads a workspace file through a symlink inside the repository, never one leading outside it or into .pipe/ (exit 2)', async () => {
    const outside = tempDir('pipe-outside-');
    writeFileSync(join(outside, 'secret.json'), '{"token": 12345}\n');
    const repo = makeRepo({
      'pipeline.yaml': 'stages:\n  s:\n    cmd: x\n    metrics: [metrics/in.json, metrics/out.json]\n',
      'real/in.json': '{"auc": 0.8}\n',
      'metrics/in.json': { symlink: '../real/in.json' },
      'metrics/out.json': { symlink: join(outside, 'secret.json') },
    });
    const r = await repo.pipe(['metrics', 'show']);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`error: 'metrics/out.json' leads through a symlink to ${join(realpathSync(outside), 'secret.json')}, outside the repository; pipe reads metrics, params and plots only from inside it\n`);
    expect(r.stdout).not.toMatch(/12345/);

    // Nor into .pipe/, where config.local.yaml keeps a remote's credentials.
    repo.write('.pipe/config.local.yaml', 'remotes:\n  s3:\n    secret_access_key: SUPERSECRET123\n');
    repo.write('metrics/out.json', { symlink: '../.pipe/config.local.yaml' });
    const internal = await repo.pipe(['metrics', 'show']);
    expect(internal.code).toBe(2);
    expect(internal.stderr).toBe("error: 'metrics/out.json' leads through a symlink into .pipe/, which pipe never reads metrics, params or plots from\n");
    expect(internal.stdout + internal.stderr).not.toMatch(/SUPERSECRET/);

    repo.write('pipeline.yaml', 'stages:\n  s:\n    cmd: x\n    metrics: [metrics/in.json]\n');
    expect((await ok(repo, ['metrics', 'show'])).stdout).toMatch(/^metrics\/in\.json\s+auc\s+0\.8$/m);
  });

  it('a params file reached through a symlink into .pipe/ or out of the repository is refused by status and repro (exit 2); data.lock is not written', async () => {
    const outside = tempDir('pipe-outside-'); // before any await: it is removed when this test ends
    const repo = makeRepo({
      'pipeline.yaml': 'stages:\n  s:\n    cmd: echo hi > o.txt\n    params: [{p.yaml: [remotes]}]\n    outs: [o.txt]\n',
      '.pipe/config.local.yaml': 'remotes:\n  s3:\n    secret_access_key: SUPERSECRET123\n',
      'p.yaml': { symlink: '.pipe/config.local.yaml' },
    });
    for (const cmd of [['status'], ['repro']]) {
      const r = await repo.pipe(cmd);
      expect(r.code, cmd.join(' ')).toBe(2);
      expect(r.stderr).toBe("error: 'p.yaml' leads through a symlink into .pipe/, which pipe never reads metrics, params or plots from\n");
      expect(r.stdout + r.stderr).not.toMatch(/SUPERSECRET/);
    }
    expect(repo.exists('data.lock')).toBe(false);
    expect(repo.exists('o.txt')).toBe(false);

    writeFileSync(join(outside, 'p.yaml'), 'remotes: 1\n');
    repo.write('p.yaml', { symlink: join(outside, 'p.yaml') });
    const r = await repo.pipe(['repro']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^error: 'p\.yaml' leads through a symlink to .*, outside the repository/);
  });

  it('at given revisions, one column each', async () => {
    const r = await ok(await history(), ['metrics', 'show', 'v1', 'dev']);
    expect(r.stdout).toMatch(/^metrics\/eval\.json\s+auc\s+0\.8\s+0\.9$/m);
    expect(r.stdout).toMatch(/^metrics\/eval\.json\s+old_only\s+1\s+—$/m);
  });
});

describe('lists of checks keyed by name', () => {
  const check = (name: string, value: number) => ({ name, value, threshold: 0.2, pass: value <= 0.2 });
  const PIPELINE = `stages:
  validate:
    cmd: echo validate
    metrics: [metrics/validation.json, metrics/eval.json]
gates:
  - metric: auc
    min: 0.5
  - metric: metrics/validation.json:checks[psi:age].value
    max: 0.2
`;
  /** HEAD: 20 drift checks; the workspace inserts one at the front, so every index shifts. */
  async function checksRepo(): Promise<Repo> {
    const checks = Array.from({ length: 20 }, (_, i) => check(`psi:c${i}`, i / 100));
    const repo = makeRepo({
      'pipeline.yaml': PIPELINE,
      'metrics/eval.json': '{"auc": 0.9, "logloss": 0.3}',
      'metrics/validation.json': JSON.stringify({ passed: true, checks_failed: 0, checks: [check('psi:age', 0.05), ...checks] }),
    });
    commitAll(repo, 'c1');
    repo.write('metrics/validation.json', JSON.stringify({ passed: true, checks_failed: 0, checks: [check('rows', 0), check('psi:age', 0.05), ...checks] }));
    return repo;
  }

  it('diff compares each check with the same-named one: an inserted check is added, nothing else changed', async () => {
    const r = await ok(await checksRepo(), ['metrics', 'diff', '--md']);
    expect(r.stdout).toBe(
      [
        '| Path | Metric | HEAD | workspace | Change |',
        '| --- | --- | --- | --- | --- |',
        '| metrics/validation.json | checks[rows].value | — | 0 | added |',
        '| metrics/validation.json | checks[rows].threshold | — | 0.2 | added |',
        '| metrics/validation.json | checks[rows].pass | — | true | added |',
        '',
      ].join('\n'),
    );
  });

  it('show leads with the gated metrics and the single values, folds the long list into one row; --all lists it', async () => {
    const repo = await checksRepo();
    const r = await ok(repo, ['metrics', 'show']);
    expect(r.stdout).toBe(
      [
        'Path                     Metric                 workspace',
        'metrics/validation.json  checks[psi:age].value  0.05',
        'metrics/eval.json        auc                    0.9',
        'metrics/validation.json  passed                 true',
        'metrics/validation.json  checks_failed          0',
        'metrics/validation.json  checks[…]              22 entries',
        'metrics/eval.json        logloss                0.3',
        '',
      ].join('\n'),
    );
    expect(r.stderr).toBe('note: metrics/validation.json: 65 values of checks shown as one row; --all lists them\n');
    const all = await ok(repo, ['metrics', 'show', '--all']);
    expect(all.stdout).toMatch(/^metrics\/validation\.json +checks\[psi:c19\]\.pass +true$/m);
    expect(all.stdout.trimEnd().split('\n')).toHaveLength(1 + 1 + 1 + 2 + 65 + 1);
    expect(all.stderr).toBe('');
  });

  it('a gate rule names a check by its name, whatever its position', async () => {
    const r = await (await checksRepo()).pipe(['gate']);
    expect(r.stdout).toMatch(/^metrics\/validation\.json:checks\[psi:age\]\.value +0\.05 +0\.05 +≤ 0\.2 +pass$/m);
  });
});

describe('repositories as CI has them', () => {
  it('reads packed refs and packfiles (after git pack-refs --all and git gc)', async () => {
    const repo = await history();
    git(repo, 'pack-refs', '--all');
    git(repo, 'gc', '-q', '--prune=now');
    expect(repo.exists('.git/refs/tags/v1')).toBe(false);
    expect(git(repo, 'count-objects', '-v')).toMatch(/^count: 0$/m);
    const r = await ok(repo, ['metrics', 'diff', 'v1', 'HEAD~1', '--md']);
    expect(r.stdout).toBe(V1_TO_C2_MD);
  });

  it('works in a shallow clone with the base branch fetched as origin/dev', async () => {
    const origin = await history();
    const ci = new Repo(tempDir('pipe-e2e-shallow-'));
    git(ci, 'clone', '-q', '--depth', '1', '--branch', 'main', `file://${origin.dir}`, '.');
    git(ci, 'fetch', '-q', '--depth', '1', 'origin', 'dev:refs/remotes/origin/dev');
    expect(git(ci, 'rev-parse', '--is-shallow-repository').trim()).toBe('true');
    const r = await ok(ci, ['metrics', 'diff', 'origin/dev', 'HEAD', '--md']);
    expect(r.stdout).toBe(
      [
        '| Path | Metric | origin/dev | HEAD | Change |',
        '| --- | --- | --- | --- | --- |',
        '| metrics/eval.json | auc | 0.9 | 0.8123 | -0.0877 (-9.7%) |',
        '| metrics/extra.yaml | latency_ms | — | 12 | added |',
        '| metrics/extra.yaml | passed | — | true | added |',
        '',
      ].join('\n'),
    );
    const beyond = await ci.pipe(['metrics', 'diff', 'origin/dev~1']);
    expect(beyond.code).toBe(2);
    expect(beyond.stderr).toMatch(/^error: unknown revision 'origin\/dev~1': the history before commit [0-9a-f]{12} was not fetched \(shallow clone\)/);
  });
});
