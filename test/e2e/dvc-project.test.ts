/**
 * @module A DVC project run by pipe as it is: dvc.yaml (templating, foreach, matrix, top-level
 * metrics/plots, artifacts) and the dvc.lock DVC wrote. Nothing is recomputed; a param change
 * re-runs exactly the stages it affects; what pipe cannot honour fails with its line.
 */
import { cpSync, readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { makeRepo, ok, removeRepos, type Repo } from '../helpers/repo.js';

afterAll(removeRepos);

const FIXTURE = fileURLToPath(new URL('../fixtures/dvc-classifier', import.meta.url));
const STAGES = ['prepare', 'featurize@en', 'featurize@de', 'train@en-1', 'train@en-2', 'train@de-1', 'train@de-2', 'evaluate'];

function dvcProject(): Repo {
  const repo = makeRepo();
  cpSync(FIXTURE, repo.dir, { recursive: true });
  return repo;
}

/** The stage scripts each append to .counts/<stage> when they run. */
function runs(repo: Repo): string[] {
  return repo.exists('.counts') ? readdirSync(repo.path('.counts')).sort() : [];
}

describe('a DVC project under pipe', () => {
  it('is up to date as DVC left it: repro runs nothing, stores the outs in pipe’s cache and records pipe’s state in data.lock', async () => {
    const repo = dvcProject();
    // Before: every stage is as dvc.lock says; only pipe's cache lacks the outs (they are in DVC's).
    const before = await ok(repo, ['status']);
    for (const s of STAGES) expect(before.stdout).toMatch(new RegExp(`^${s}: changed\n    out .+ is not in the cache\n`, 'm'));
    await ok(repo, ['repro']);
    expect(runs(repo)).toEqual([]);
    const status = await ok(repo, ['status']);
    for (const s of STAGES) expect(status.stdout).toMatch(new RegExp(`^${s}: up to date$`, 'm'));
    const lock = repo.lock();
    expect(Object.keys(lock.stages).sort()).toEqual([...STAGES].sort());
    expect(lock.stages['train@de-2']?.params).toEqual({ 'params.yaml': { 'train.alpha': 0.5 } });
    expect(lock.stages.evaluate?.params).toEqual({ 'config/eval.yaml': { threshold: 0.5, average: 'macro' } });
    expect(lock.stages.prepare?.outs[0]?.hash).toMatch(/^sha256:[0-9a-f]{64}\.dir$/);
    // dvc.lock is DVC's: pipe reads it, never writes it.
    expect(repo.read('dvc.lock')).toBe(readFixture('dvc.lock'));
    // dvclive's layout: a top-level metric inside the cached directory out `eval`.
    expect((await ok(repo, ['metrics', 'show'])).stdout).toMatch(/eval\/metrics\.json[\s\S]*accuracy[\s\S]*0\.8/);
    const again = await ok(repo, ['repro']);
    expect(runs(repo)).toEqual([]);
    expect(again.stdout + again.stderr).not.toMatch(/running/i);
  });

  it('re-runs exactly the stages a param change affects (a param read only through ${} counts)', async () => {
    const repo = dvcProject();
    repo.write('params.yaml', repo.read('params.yaml').replace('alpha: 0.5', 'alpha: 0.7'));
    await ok(repo, ['repro']);
    expect(runs(repo)).toEqual(['evaluate', 'train-de-1', 'train-de-2', 'train-en-1', 'train-en-2']);
    expect(repo.read('models/de-2.txt')).toMatch(/^lang=de seed=2 alpha=0.7$/m);
  });

  it('re-runs a stage whose workspace file no longer has the md5 dvc.lock recorded (its unchanged outs re-run nothing after it)', async () => {
    const repo = dvcProject();
    repo.write('scripts/featurize.sh', `${repo.read('scripts/featurize.sh')}# changed\n`);
    await ok(repo, ['repro']);
    expect(runs(repo)).toEqual(['featurize-de', 'featurize-en']);
    repo.write('data/raw.txt', `${repo.read('data/raw.txt')}more text\n`);
    await ok(repo, ['repro']);
    expect(runs(repo)).toEqual(['featurize-de', 'featurize-en', 'prepare']);
  });

  it('runs pipeline.yaml when dvc.yaml is there too (a project mid-migration), leaving dvc.yaml alone', async () => {
    const repo = dvcProject();
    const dvcYaml = repo.read('dvc.yaml');
    repo.write('pipeline.yaml', 'stages:\n  only:\n    cmd: mkdir -p .counts && touch .counts/only\n');
    const r = await repo.pipe(['repro']);
    expect(r.code).toBe(0);
    expect(runs(repo)).toEqual(['only']);
    expect(repo.read('dvc.yaml')).toBe(dvcYaml);
  });

  it('fails on templating it cannot resolve, each problem at its line and column', async () => {
    const repo = dvcProject();
    repo.write(
      'dvc.yaml',
      `vars:
  - config/extra.toml
stages:
  a:
    cmd: echo \${HOME
  b:
    cmd: echo \${train.nope}
`,
    );
    const r = await repo.pipe(['repro']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/dvc\.yaml:2:5: .*not \.toml/);
    expect(r.stderr).toMatch(/dvc\.yaml:5:10: .*'\$\{' is not closed/);
    expect(r.stderr).toMatch(/dvc\.yaml:7:10: .*'train\.nope' is not defined in params\.yaml/);
    expect(r.stderr).not.toMatch(/internal error|\n\s+at /);
  });

  it('fails on DVC constructs pipe cannot honour, each at its line', async () => {
    const repo = dvcProject();
    repo.write(
      'dvc.yaml',
      `stages:
  a:
    cmd: echo a > a.txt
    outs:
      - a.txt:
          checkpoint: true
      - b.txt:
          remote: s3cold
datasets:
  - name: reviews
    type: dvc
`,
    );
    const r = await repo.pipe(['status']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/dvc\.yaml:6:11: \S+ 'checkpoint:' outs were removed in DVC 3/);
    expect(r.stderr).toMatch(/dvc\.yaml:8:11: \S+ 'remote:' on an out is not supported/);
    expect(r.stderr).toMatch(/dvc\.yaml:9:1: datasets: 'datasets:'/);
  });
});

function readFixture(rel: string): string {
  return readFileSync(`${FIXTURE}/${rel}`, 'utf8');
}
