/** @module The run-cache: a stage whose (cmd, deps, params, outs) were seen before is restored from the cache, not run — and when it is not. */
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { objectRel, readObject, stat } from '../helpers/cache.js';
import { countRun, makeRepo, ok, removeRepos, template, type DataLock, type Repo, type StageSpec } from '../helpers/repo.js';

afterAll(removeRepos);

const params = (lr: number) => `train:\n  lr: ${lr}\n`;

/** A shell fragment writing the current lr and how many times the stage has run (so a re-run is told apart from a restore). */
const model = (name: string, file: string) => `${countRun(name)} && grep lr params.yaml > ${file} && wc -l < .counts/${name} >> ${file}`;

/** train (param train.lr → model.txt), and a stage `other` that never changes. */
function trainRepo(extra: Record<string, StageSpec> = {}): Repo {
  const repo = makeRepo({ 'params.yaml': params(0.1) });
  repo.stages({ train: { cmd: model('train', 'model.txt'), params: ['train.lr'], outs: ['model.txt'] }, ...extra });
  return repo;
}

/** After lr 0.1 (run 1) and then lr 0.2 (run 2); `first` is what data.lock and model.txt held after run 1. */
const twoRuns = template(async () => {
  const repo = trainRepo();
  await ok(repo, ['repro']);
  repo.write('first.lock', repo.read('data.lock'));
  repo.write('first.model', repo.read('model.txt'));
  repo.write('params.yaml', params(0.2));
  await ok(repo, ['repro']);
  return repo;
});

describe('run-cache', () => {
  it('reverting a param restores the earlier outs without running the stage, and locks the reverted param', async () => {
    const repo = await twoRuns();
    const firstModel = repo.read('first.model');
    expect(firstModel).toBe('  lr: 0.1\n1\n');
    expect(repo.read('model.txt')).toBe('  lr: 0.2\n2\n');

    repo.write('params.yaml', params(0.1));
    const r = await ok(repo, ['repro']);
    expect(r.stdout).toMatch(/^train: restored from run-cache \(param train\.lr changed from 0\.2 to 0\.1\), not run$/m);
    expect(r.stdout).not.toMatch(/running because/);
    expect(repo.count('train')).toBe(2);
    expect(repo.read('model.txt')).toBe(firstModel);

    const lock = repo.lock();
    const first = parse(repo.read('first.lock')) as DataLock;
    expect(lock.stages.train?.params).toEqual({ 'params.yaml': { 'train.lr': 0.1 } });
    expect(lock.stages.train?.outs).toEqual(first.stages.train?.outs);
    // The restored out is the stored object, linked like any other cached out.
    const hash = lock.stages.train?.outs[0]?.hash as string;
    expect(readObject(repo, hash).toString()).toBe(firstModel);
    expect(stat(repo, 'model.txt').ino).toBe(stat(repo, objectRel(hash)).ino);

    // Restored means up to date: the next repro skips it.
    const again = await ok(repo, ['repro']);
    expect(again.stdout).toMatch(/^train: skipped \(up to date\)$/m);
    expect(repo.count('train')).toBe(2);
  });

  it('--no-run-cache runs the stage instead of restoring it', async () => {
    const repo = await twoRuns();
    repo.write('params.yaml', params(0.1));
    const r = await ok(repo, ['repro', '--no-run-cache']);
    expect(r.stdout).toMatch(/^train: running because param train\.lr changed from 0\.2 to 0\.1$/m);
    expect(r.stdout).not.toMatch(/restored/);
    expect(repo.count('train')).toBe(3);
    expect(repo.read('model.txt')).toBe('  lr: 0.1\n3\n');
    expect(repo.lock().stages.train?.params).toEqual({ 'params.yaml': { 'train.lr': 0.1 } });
  });

  it('-f runs the stage even though the run-cache holds its outs', async () => {
    const repo = await twoRuns();
    repo.write('params.yaml', params(0.1));
    const r = await ok(repo, ['repro', '-f']);
    expect(r.stdout).toMatch(/^train: running because/m);
    expect(r.stdout).not.toMatch(/restored/);
    expect(repo.count('train')).toBe(3);
    expect(repo.read('model.txt')).toBe('  lr: 0.1\n3\n');
  });

  it('a stage with always_changed: true is never restored: it runs', async () => {
    const repo = makeRepo({ 'params.yaml': params(0.1) });
    repo.stages({ always: { cmd: model('always', 'always.txt'), params: ['train.lr'], outs: ['always.txt'], always_changed: true } });
    await ok(repo, ['repro']);
    repo.write('params.yaml', params(0.2));
    await ok(repo, ['repro']);
    repo.write('params.yaml', params(0.1));
    const r = await ok(repo, ['repro']);
    expect(r.stdout).toMatch(/^always: running because/m);
    expect(r.stdout).not.toMatch(/restored/);
    expect(repo.count('always')).toBe(3);
    expect(repo.read('always.txt')).toBe('  lr: 0.1\n3\n');
  });

  it('a stage with an out that is not cached (a metric) is never restored: it runs', async () => {
    const repo = makeRepo({ 'params.yaml': params(0.1) });
    repo.stages({
      scored: {
        cmd: `${model('scored', 'scored.txt')} && echo "{\\"runs\\": $(wc -l < .counts/scored)}" > metrics.json`,
        params: ['train.lr'],
        outs: ['scored.txt'],
        metrics: ['metrics.json'],
      },
    });
    await ok(repo, ['repro']);
    repo.write('params.yaml', params(0.2));
    await ok(repo, ['repro']);
    repo.write('params.yaml', params(0.1));
    const r = await ok(repo, ['repro']);
    expect(r.stdout).toMatch(/^scored: running because param train\.lr changed from 0\.2 to 0\.1$/m);
    expect(r.stdout).not.toMatch(/restored/);
    expect(repo.count('scored')).toBe(3);
    expect(repo.read('metrics.json')).toBe('{"runs": 3}\n');
    expect(repo.read('scored.txt')).toBe('  lr: 0.1\n3\n');
  });
});
