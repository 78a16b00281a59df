/** @module The run-cache: a stage whose (cmd, deps, params, outs) were seen before is restored from the cache, not run — and when it is not. */
import { execFileSync } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { objectRel, readObject, stat } from '../helpers/cache.js';
import { commitAll } from '../helpers/git.js';
import { countRun, makeRepo, ok, removeRepos, Repo, template, type DataLock, type StageSpec } from '../helpers/repo.js';
import { tempDir } from '../helpers/temp-dir.js';

afterAll(removeRepos);

const params = (lr: number) => `train:\n  lr: ${lr}\n`;

/** A shell fragment writing the current lr and how many times the stage has run (so a re-run is told apart from a restore). */
const model = (name: string, file: string) => `${countRun(name)} && grep lr params.yaml > ${file} && wc -l < .counts/${name} >> ${file}`;

/** A stage with a cached out, a metric and a directory out that is not cached, each saying how many times it ran. */
const SCORED: StageSpec = {
  cmd: `${model('scored', 'scored.txt')} && echo "{\\"runs\\": $(wc -l < .counts/scored)}" > metrics.json && mkdir -p report && cp scored.txt report/summary.txt && echo n > report/note.txt`,
  params: ['train.lr'],
  outs: ['scored.txt', { report: { cache: false } }],
  metrics: ['metrics.json'],
};

/** The bytes of everything SCORED writes. */
function scoredFiles(repo: Repo): Map<string, string> {
  return new Map(['scored.txt', 'metrics.json', 'report/summary.txt', 'report/note.txt'].map((p) => [p, repo.read(p)]));
}

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

  it('a stage with outs that are not cached (a metric, a directory) is restored: their bytes are written back as files of their own', async () => {
    const repo = makeRepo({ 'params.yaml': params(0.1) });
    repo.stages({ scored: SCORED });
    await ok(repo, ['repro']);
    const first = scoredFiles(repo);
    repo.write('params.yaml', params(0.2));
    await ok(repo, ['repro']);
    repo.write('params.yaml', params(0.1));
    const r = await ok(repo, ['repro']);
    expect(r.stdout).toMatch(/^scored: restored from run-cache \(param train\.lr changed from 0\.2 to 0\.1\), not run$/m);
    expect(repo.count('scored')).toBe(2);
    expect(scoredFiles(repo)).toEqual(first);
    expect(first.get('metrics.json')).toBe('{"runs": 1}\n');
    // Not links into the cache: writable files of the workspace, committed to git rather than ignored.
    for (const path of ['metrics.json', 'report/summary.txt']) {
      const st = stat(repo, path);
      expect(st.nlink, path).toBe(1);
      expect(st.mode & 0o200, path).not.toBe(0);
    }
    expect(repo.read('.gitignore')).not.toMatch(/metrics\.json|report/);
    expect((await ok(repo, ['status'])).stdout).toMatch(/Everything is up to date/);
    // Editing the restored metric cannot reach the store: the next restore brings the run's bytes back.
    repo.write('metrics.json', 'edited\n');
    repo.write('params.yaml', params(0.2));
    await ok(repo, ['repro']);
    repo.write('params.yaml', params(0.1));
    await ok(repo, ['repro']);
    expect(repo.count('scored')).toBe(2);
    expect(repo.read('metrics.json')).toBe('{"runs": 1}\n');
  });

  it('a stage with a persistent out (a metric appended to) is never restored: it runs', async () => {
    const repo = makeRepo({ 'params.yaml': params(0.1) });
    repo.stages({
      logged: {
        cmd: `${model('logged', 'logged.txt')} && echo run >> log.txt`,
        params: ['train.lr'],
        outs: ['logged.txt'],
        metrics: [{ 'log.txt': { persist: true } }],
      },
    });
    await ok(repo, ['repro']);
    repo.write('params.yaml', params(0.2));
    await ok(repo, ['repro']);
    repo.write('params.yaml', params(0.1));
    const r = await ok(repo, ['repro']);
    expect(r.stdout).toMatch(/^logged: running because param train\.lr changed from 0\.2 to 0\.1$/m);
    expect(repo.count('logged')).toBe(3);
    expect(repo.read('log.txt')).toBe('run\nrun\nrun\n');
  });
});

describe('run-cache entries with outs that are not cached, through a remote', () => {
  /** Clone A ran lr 0.1 (committed, pushed), then lr 0.2 (pushed, not committed); its remote is in the committed config. */
  const pushed = template(async () => {
    const a = makeRepo({ 'params.yaml': params(0.1), '.gitignore': '/.counts/\n' });
    a.stages({ scored: SCORED });
    await ok(a, ['remote', 'add', 'store', tempDir('pipe-remote-'), '--default']);
    await ok(a, ['repro']);
    commitAll(a, 'lr 0.1');
    await ok(a, ['push']);
    a.write('params.yaml', params(0.2));
    await ok(a, ['repro']);
    const r = await ok(a, ['push']);
    // The metric's and the directory's objects went up with the entry.
    expect(r.stdout).toMatch(/pushed \d+ objects? .* and 1 run-cache entry/);
    return a;
  });

  function cloneOf(a: Repo): Repo {
    const dir = tempDir('pipe-clone-');
    execFileSync('git', ['clone', '-q', a.dir, dir]);
    return new Repo(dir);
  }

  it('repro --pull in another clone restores a run from the remote, metric and directory included, without running it', async () => {
    const a = await pushed();
    const b = cloneOf(a);
    b.write('params.yaml', params(0.2));
    const r = await ok(b, ['repro', '--pull']);
    expect(r.stdout).toMatch(/^scored: restored from run-cache \(param train\.lr changed from 0\.1 to 0\.2 \(\+1 more\)\), not run$/m);
    expect(b.count('scored')).toBe(0);
    expect(scoredFiles(b)).toEqual(scoredFiles(a));
  });

  it("pipe pull (fetch) brings the objects of the entries' outs that are not cached, so a reverted param is restored", async () => {
    const a = await pushed();
    const b = cloneOf(a);
    const fetched = await ok(b, ['pull']);
    expect(fetched.stdout).toMatch(/and 1 run-cache entry/);
    const committed = scoredFiles(b);
    b.write('params.yaml', params(0.2));
    await ok(b, ['repro', '--no-run-cache']);
    expect(b.count('scored')).toBe(1);
    b.write('params.yaml', params(0.1));
    const r = await ok(b, ['repro']);
    expect(r.stdout).toMatch(/^scored: restored from run-cache/m);
    expect(b.count('scored')).toBe(1);
    expect(scoredFiles(b)).toEqual(committed);
  });
});

describe('an out switched from cache: false to cached (issue 14, item 5)', () => {
  const stage = (cache: boolean): StageSpec => ({ cmd: `${countRun('work')} && echo result > out.txt`, outs: [cache ? 'out.txt' : { 'out.txt': { cache: false } }] });

  it('whose workspace bytes are not what data.lock says: status says the stage changed, repro runs it, push then succeeds', async () => {
    const repo = makeRepo();
    repo.stages({ work: stage(false) });
    await ok(repo, ['repro']);
    repo.write('out.txt', 'edited\n');
    repo.stages({ work: stage(true) });
    expect((await ok(repo, ['status'])).stdout).toMatch(/^work: changed\n\s+out out\.txt modified$/m);
    const r = await ok(repo, ['repro']);
    expect(r.stdout).toMatch(/^work: running because out out\.txt modified$/m);
    expect(repo.count('work')).toBe(2);
    expect((await ok(repo, ['status'])).stdout).toMatch(/Everything is up to date/);
    await ok(repo, ['remote', 'add', 'store', tempDir(), '--default']);
    await ok(repo, ['push']);
  });

  it('whose bytes the run-cache already keeps: up to date without running, and push sends that object', async () => {
    const repo = makeRepo();
    repo.stages({ work: stage(false) });
    await ok(repo, ['repro']);
    repo.stages({ work: stage(true) });
    expect((await ok(repo, ['status'])).stdout).toMatch(/Everything is up to date/);
    await ok(repo, ['repro']);
    expect(repo.count('work')).toBe(1);
    expect(repo.read('.gitignore')).toMatch(/^\/out\.txt$/m);
    const remote = tempDir();
    await ok(repo, ['remote', 'add', 'store', remote, '--default']);
    expect((await ok(repo, ['push'])).stdout).toMatch(/^pushed 1 object /m);
    expect(readObject(repo, repo.lock().stages.work?.outs[0]?.hash as string).toString()).toBe('result\n');
  });
});
