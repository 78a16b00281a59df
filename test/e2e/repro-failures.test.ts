/** @module `pipe repro` when a stage fails: exit 1, what is printed, what is locked, what else runs (--keep-going). */
import { afterAll, describe, expect, it } from 'vitest';
import { countRun, makeRepo, removeRepos, type Repo } from '../helpers/repo.js';

afterAll(removeRepos);

/** A shell fragment printing `err-1` … `err-N` to stderr. */
const noisyStderr = (n: number) => `i=1; while [ $i -le ${n} ]; do echo err-$i >&2; i=$((i+1)); done`;

/**
 * Two independent branches, the failing one declared first:
 * bad (exits 3) → after-bad;   good → after-good.
 */
function branchesRepo(): Repo {
  const repo = makeRepo();
  repo.stages({
    bad: { cmd: `${countRun('bad')} && ${noisyStderr(30)} && exit 3`, outs: ['bad.txt'] },
    'after-bad': { cmd: `${countRun('after-bad')} && cp bad.txt after-bad.txt`, deps: ['bad.txt'], outs: ['after-bad.txt'] },
    good: { cmd: `${countRun('good')} && echo good > good.txt`, outs: ['good.txt'] },
    'after-good': { cmd: `${countRun('after-good')} && cp good.txt after-good.txt`, deps: ['good.txt'], outs: ['after-good.txt'] },
  });
  return repo;
}

describe('repro with a failing stage', () => {
  it('exits 1, naming the stage, its exit code and the tail of its stderr', async () => {
    const repo = branchesRepo();
    const r = await repo.pipe(['repro', '-j', '1']);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^bad: failed after [\d.]+s: exited with code 3$/m);
    const error = r.stderr.slice(r.stderr.indexOf('error:'));
    expect(error).toMatch(/^error: stage 'bad' exited with code 3/);
    // The tail: the last stderr lines are in the error message, the first ones are not.
    expect(error).toMatch(/err-30/);
    expect(error).toMatch(/err-29/);
    expect(error).not.toMatch(/err-1\b/);
    expect(r.stderr).not.toMatch(/internal error|\n\s+at /);
  });

  it('does not run the stages downstream of the failure, saying why', async () => {
    const repo = branchesRepo();
    const r = await repo.pipe(['repro', '-j', '1', '--keep-going']);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^after-bad: not run because upstream stage bad failed$/m);
    expect(repo.count('after-bad')).toBe(0);
    expect(repo.exists('after-bad.txt')).toBe(false);
  });

  it('without --keep-going, starts no new stage after a failure', async () => {
    const repo = branchesRepo();
    const r = await repo.pipe(['repro', '-j', '1']);
    expect(r.code).toBe(1);
    expect(repo.count('bad')).toBe(1);
    expect(repo.count('good')).toBe(0);
    expect(repo.count('after-good')).toBe(0);
    expect(r.stdout).not.toMatch(/^good: running/m);
    expect(repo.exists('data.lock') ? Object.keys(repo.lock().stages) : []).toEqual([]);
  });

  it('with --keep-going, the independent branch still runs and is locked', async () => {
    const repo = branchesRepo();
    const r = await repo.pipe(['repro', '-j', '1', '--keep-going']);
    expect(r.code).toBe(1);
    expect(repo.count('good')).toBe(1);
    expect(repo.count('after-good')).toBe(1);
    expect(repo.read('after-good.txt')).toBe('good\n');
    expect(Object.keys(repo.lock().stages).sort()).toEqual(['after-good', 'good']);
    expect(r.stderr).toMatch(/stage 'bad' exited with code 3/);
  });

  it("leaves the failed stage's data.lock entry byte for byte as it was", async () => {
    const repo = makeRepo({ 'in.txt': 'v1\n' });
    const stages = (cmd: string) =>
      repo.stages({
        step: { cmd, deps: ['in.txt'], outs: ['step.txt'] },
        next: { cmd: `${countRun('next')} && cp step.txt next.txt`, deps: ['step.txt'], outs: ['next.txt'] },
        side: { cmd: 'cp in.txt side.txt', deps: ['in.txt'], outs: ['side.txt'] },
      });
    stages('cp in.txt step.txt');
    expect((await repo.pipe(['repro'])).code).toBe(0);
    const before = repo.lockBytes();

    stages('echo broken >&2; exit 7');
    repo.write('in.txt', 'v2\n');
    const r = await repo.pipe(['repro', '-j', '1']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/stage 'step' exited with code 7/);
    expect(r.stderr).toMatch(/broken/);
    expect(r.stdout).toMatch(/^next: not run because upstream stage step failed$/m);
    expect(repo.count('next')).toBe(1);
    expect(repo.lockBytes()).toEqual(before);
  });

  it('with --keep-going, stages that succeed are locked while the failed entry stays as it was', async () => {
    const repo = makeRepo({ 'in.txt': 'v1\n' });
    const stages = (cmd: string) =>
      repo.stages({
        step: { cmd, deps: ['in.txt'], outs: ['step.txt'] },
        side: { cmd: 'cp in.txt side.txt', deps: ['in.txt'], outs: ['side.txt'] },
      });
    stages('cp in.txt step.txt');
    expect((await repo.pipe(['repro'])).code).toBe(0);
    const stepBefore = repo.lock().stages.step;

    stages('exit 1');
    repo.write('in.txt', 'v2\n');
    const r = await repo.pipe(['repro', '-k']);
    expect(r.code).toBe(1);
    const lock = repo.lock();
    expect(lock.stages.step).toEqual(stepBefore);
    expect(lock.stages.side?.deps[0]?.hash).not.toBe(stepBefore?.deps[0]?.hash);
  });

  it('a stage killed by a signal fails with exit 1 naming the signal', async () => {
    const repo = makeRepo();
    repo.stages({ doomed: { cmd: 'kill -9 $$', outs: ['doomed.txt'] } });
    const r = await repo.pipe(['repro']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/stage 'doomed'.*SIGKILL/);
  });

  it('a stage whose dep does not exist and that no stage produces fails naming the dep', async () => {
    const repo = makeRepo();
    repo.stages({ needy: { cmd: 'cp nowhere.txt needy.txt', deps: ['nowhere.txt'], outs: ['needy.txt'] } });
    const r = await repo.pipe(['repro']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/needy/);
    expect(r.stderr).toMatch(/nowhere\.txt/);
  });
});
