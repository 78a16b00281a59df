/**
 * @module The run-cache on the example pipeline itself (issue 14): train and evaluate, whose
 * metrics and plots are outs that are not cached, are restored — not retrained — when a param is
 * reverted, after `git checkout` of another branch (without `pipe checkout`), and in a second clone
 * with `repro --pull` from the remote that holds the run. Every node process pipe starts logs its
 * arguments (test/helpers/node-log.mjs), so "no training command ran" is seen from outside pipe.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { exampleParams, exampleRepo, linkNodeModules, nodeLogEnv, ranStages, SMALL } from '../helpers/example-repo.js';
import { commitAll, git } from '../helpers/git.js';
import { ok, removeRepos, Repo, template } from '../helpers/repo.js';
import { tempDir } from '../helpers/temp-dir.js';
import { EXAMPLE_PIPELINE, EXAMPLE_PIPELINE_RUN_MS } from '../helpers/timeouts.js';

afterAll(removeRepos);

const RUN = { timeoutMs: EXAMPLE_PIPELINE_RUN_MS };

/** What train and evaluate write: the model directory (cached), the metrics and plots (not cached). */
const RESULTS = ['models/churn', 'plots/training-loss.json', 'metrics/eval.json', 'plots/roc.json', 'plots/precision-recall.json', 'plots/confusion.json', 'plots/calibration.json'];

/** Path → bytes of every file of RESULTS. */
function results(repo: Repo): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  for (const path of RESULTS) {
    const abs = repo.path(path);
    if (!existsSync(abs)) continue;
    const files = path === 'models/churn' ? readdirSync(abs).map((f) => `${path}/${f}`) : [path];
    for (const f of files.sort()) out.set(f, readFileSync(repo.path(f)));
  }
  return out;
}

/** What the trained fixture recorded: its branches and the results of each. */
const fixture: { main?: string; epochs2?: Map<string, Buffer>; epochs3?: Map<string, Buffer> } = {};

/**
 * The example trained twice, each run committed and pushed to a directory remote (in the committed
 * .pipe/config.yaml): epochs 2 on the first branch, then epochs 3 on branch `more-epochs`, checked out.
 */
const trained = template(async () => {
  const repo = exampleRepo({ '.gitignore': '/node_modules\n' });
  await ok(repo, ['remote', 'add', 'store', tempDir('pipe-remote-'), '--default']);
  const first = await repo.pipe(['repro'], RUN);
  expect(first.code, `${first.stdout}\n${first.stderr}`).toBe(0);
  expect(ranStages(first.stdout)).toEqual(['ingest', 'validate', 'featurize', 'train', 'evaluate']);
  commitAll(repo, 'epochs 2');
  await ok(repo, ['push']);
  fixture.main = git(repo, 'rev-parse', '--abbrev-ref', 'HEAD').trim();
  fixture.epochs2 = results(repo);

  git(repo, 'checkout', '-q', '-b', 'more-epochs');
  repo.write('params.yaml', exampleParams({ ...SMALL, 'train.epochs': 3 }));
  const second = await repo.pipe(['repro'], RUN);
  expect(second.code, `${second.stdout}\n${second.stderr}`).toBe(0);
  expect(ranStages(second.stdout)).toEqual(['train', 'evaluate']);
  commitAll(repo, 'epochs 3');
  await ok(repo, ['push']);
  fixture.epochs3 = results(repo);
  expect(fixture.epochs3.get('models/churn/weights.bin')).not.toEqual(fixture.epochs2.get('models/churn/weights.bin'));
  return repo;
});

/** `pipe ARGS…` with every node process it starts logged; `programs` is that log. */
async function logged(repo: Repo, args: string[]): Promise<{ stdout: string; programs: string }> {
  const log = join(tempDir(), 'node.log');
  const r = await repo.pipe(args, { ...RUN, env: nodeLogEnv(log) });
  expect(r.code, `${r.stdout}\n${r.stderr}`).toBe(0);
  const programs = existsSync(log) ? readFileSync(log, 'utf8') : '';
  // The log works: pipe itself is in it.
  expect(programs).toMatch(/bin\/pipe\.js repro/);
  return { stdout: r.stdout, programs };
}

/** Neither stage program started, and pipe says so. */
function expectNotRun(r: { stdout: string; programs: string }, stages: readonly string[]): void {
  for (const stage of stages) expect(r.programs).not.toContain(`stages/${stage}.ts`);
  expect(ranStages(r.stdout)).toEqual([]);
  expect(r.stdout).not.toMatch(/^train: epoch /m);
}

describe('the run-cache on the example pipeline', EXAMPLE_PIPELINE, () => {
  it('reverting train.epochs restores train and evaluate (model, metrics, plots) without training', async () => {
    const repo = await trained();
    repo.write('params.yaml', exampleParams(SMALL));
    const r = await logged(repo, ['repro']);
    expect(r.stdout).toMatch(/^train: restored from run-cache \(param train\.epochs changed from 3 to 2\), not run$/m);
    expect(r.stdout).toMatch(/^evaluate: restored from run-cache \(.*\), not run$/m);
    expectNotRun(r, ['train', 'evaluate']);
    expect(results(repo)).toEqual(fixture.epochs2);
    // Byte for byte the first branch's commit: data.lock, metrics and plots.
    expect(git(repo, 'diff', '--stat', fixture.main as string)).toBe('');
    // The restored metrics and plots are the workspace's own files (no link into the cache), writable like any committed file.
    for (const path of ['metrics/eval.json', 'plots/training-loss.json']) {
      const st = statSync(repo.path(path));
      expect(st.nlink, path).toBe(1);
      expect(st.mode & 0o200, path).not.toBe(0);
    }
    expect((await ok(repo, ['status'])).stdout).toMatch(/Everything is up to date/);
  });

  it('after git checkout of the other branch, repro (without pipe checkout) restores its model instead of training', async () => {
    const repo = await trained();
    git(repo, 'checkout', '-q', fixture.main as string);
    const r = await logged(repo, ['repro']);
    expect(r.stdout).toMatch(/^train: restored from run-cache \(out models\/churn modified\), not run$/m);
    expectNotRun(r, ['train', 'evaluate']);
    expect(results(repo)).toEqual(fixture.epochs2);
    expect(git(repo, 'status', '--porcelain')).toBe('');
  });

  it('repro --pull in a second clone restores the run the remote holds instead of training', async () => {
    const origin = await trained();
    const dir = tempDir('pipe-clone-');
    execFileSync('git', ['clone', '-q', '-b', fixture.main as string, origin.dir, dir]);
    const clone = new Repo(dir);
    linkNodeModules(clone);
    // The params the other branch ran with and pushed.
    clone.write('params.yaml', exampleParams({ ...SMALL, 'train.epochs': 3 }));
    const r = await logged(clone, ['repro', '--pull']);
    expect(r.stdout).toMatch(/^train: restored from run-cache \(param train\.epochs changed from 2 to 3 \(\+1 more\)\), not run$/m);
    expect(r.stdout).toMatch(/^evaluate: restored from run-cache \(.*\), not run$/m);
    expectNotRun(r, ['ingest', 'validate', 'featurize', 'train', 'evaluate']);
    expect(results(clone)).toEqual(fixture.epochs3);
    expect(git(clone, 'diff', '--stat', 'origin/more-epochs')).toBe('');
  });
});
