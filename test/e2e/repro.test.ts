/** @module `pipe repro`: what runs, what is skipped, why, and what happens to outs. */
import { readdirSync, rmSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { countRun, makeRepo, ok, removeRepos, template, type Repo } from '../helpers/repo.js';

afterAll(removeRepos);

/** Stage names whose `running because` line appeared, in order. */
function ran(stdout: string): string[] {
  return [...stdout.matchAll(/^(\S+): running because/gm)].map((m) => m[1] as string);
}

/**
 * prep (data/in.txt → prep.txt) → train (prep.txt, param train.lr → model.txt) → evaluate (model.txt → eval.txt),
 * and an independent branch: other (other.txt, param prep.n → other-out.txt). Each stage counts its runs.
 */
function chainRepo(): Repo {
  const repo = makeRepo({
    'data/in.txt': 'hello\n',
    'other.txt': 'other\n',
    'params.yaml': 'train:\n  lr: 0.01\nprep:\n  n: 1\n',
  });
  repo.stages({
    prep: { cmd: `${countRun('prep')} && cp data/in.txt prep.txt`, deps: ['data/in.txt'], outs: ['prep.txt'] },
    train: {
      cmd: `${countRun('train')} && cat prep.txt > model.txt && echo lr >> model.txt`,
      deps: ['prep.txt'],
      params: ['train.lr'],
      outs: ['model.txt'],
    },
    evaluate: { cmd: `${countRun('evaluate')} && wc -l < model.txt > eval.txt`, deps: ['model.txt'], outs: ['eval.txt'] },
    other: { cmd: `${countRun('other')} && cp other.txt other-out.txt`, deps: ['other.txt'], params: ['prep.n'], outs: ['other-out.txt'] },
  });
  return repo;
}

const counts = (repo: Repo) => ({
  prep: repo.count('prep'),
  train: repo.count('train'),
  evaluate: repo.count('evaluate'),
  other: repo.count('other'),
});

/** A copy of chainRepo after one full `pipe repro` (every stage has run once). */
const ranChain = template(async () => {
  const repo = chainRepo();
  await ok(repo, ['repro']);
  return repo;
});

describe('repro', () => {
  it('runs every stage once, then skips them all on the second run', async () => {
    const repo = chainRepo();
    const first = await ok(repo, ['repro']);
    expect(ran(first.stdout).sort()).toEqual(['evaluate', 'other', 'prep', 'train']);
    expect(first.stdout).toMatch(/^prep: running because it has no entry in data\.lock \(never run\)$/m);
    expect(repo.read('eval.txt').trim()).toBe('2');
    expect(first.stdout).toMatch(/^4 stages ran in \d+\.\ds; data\.lock updated\.$/m);

    const second = await ok(repo, ['repro']);
    expect(ran(second.stdout)).toEqual([]);
    for (const s of ['prep', 'train', 'evaluate', 'other']) expect(second.stdout).toMatch(new RegExp(`^${s}: skipped \\(up to date\\)$`, 'm'));
    expect(second.stdout).toMatch(/Everything is up to date/);
    expect(counts(repo)).toEqual({ prep: 1, train: 1, evaluate: 1, other: 1 });
  });

  it('a dep change re-runs that stage and its downstream only, saying which dep changed', async () => {
    const repo = await ranChain();
    repo.write('data/in.txt', 'hello again\n');
    const r = await ok(repo, ['repro']);
    expect(r.stdout).toMatch(/^prep: running because dep data\/in\.txt modified$/m);
    expect(r.stdout).toMatch(/^train: running because dep prep\.txt modified$/m);
    expect(r.stdout).toMatch(/^other: skipped \(up to date\)$/m);
    expect(counts(repo)).toEqual({ prep: 2, train: 2, evaluate: 2, other: 1 });
    expect(repo.read('model.txt')).toBe('hello again\nlr\n');
  });

  it('a downstream stage whose deps come out identical is not re-run', async () => {
    const repo = await ranChain();
    repo.write('params.yaml', 'train:\n  lr: 0.02\nprep:\n  n: 1\n');
    const r = await ok(repo, ['repro']);
    // train's model.txt does not depend on the value of lr, so evaluate sees the same dep and is skipped.
    expect(ran(r.stdout)).toEqual(['train']);
    expect(r.stdout).toMatch(/^evaluate: skipped \(up to date\)$/m);
  });

  it('a param change re-runs only the stages that use that key, with the old and new value', async () => {
    const repo = await ranChain();
    repo.write('params.yaml', 'train:\n  lr: 0.02\nprep:\n  n: 1\n');
    const r = await ok(repo, ['repro']);
    expect(r.stdout).toMatch(/^train: running because param train\.lr changed from 0\.01 to 0\.02$/m);
    expect(counts(repo)).toEqual({ prep: 1, train: 2, evaluate: 1, other: 1 });

    repo.write('params.yaml', 'train:\n  lr: 0.02\nprep:\n  n: 2\n');
    const r2 = await ok(repo, ['repro']);
    expect(ran(r2.stdout)).toEqual(['other']);
    expect(r2.stdout).toMatch(/^other: running because param prep\.n changed from 1 to 2$/m);
    expect(counts(repo)).toEqual({ prep: 1, train: 2, evaluate: 1, other: 2 });
  });

  it('an unrelated key of params.yaml changing re-runs nothing', async () => {
    const repo = await ranChain();
    repo.write('params.yaml', 'train:\n  lr: 0.01\n  unused: true\nprep:\n  n: 1\nelse: 3\n');
    const r = await ok(repo, ['repro']);
    expect(ran(r.stdout)).toEqual([]);
  });

  it('-f re-runs every selected stage even when up to date; the same outs leave data.lock unchanged, and it says so', async () => {
    const repo = await ranChain();
    const before = repo.lockBytes();
    const r = await ok(repo, ['repro', '-f']);
    expect(r.stdout).toMatch(/^prep: running because forced \(-f\)$/m);
    expect(ran(r.stdout).sort()).toEqual(['evaluate', 'other', 'prep', 'train']);
    expect(counts(repo)).toEqual({ prep: 2, train: 2, evaluate: 2, other: 2 });
    expect(r.stdout).toMatch(/^4 stages ran in \d+\.\ds; data\.lock unchanged\.$/m);
    expect(repo.lockBytes()).toEqual(before);
  });

  it('-s STAGE runs only that stage, not its changed upstream', async () => {
    const repo = await ranChain();
    repo.write('data/in.txt', 'changed\n');
    repo.write('params.yaml', 'train:\n  lr: 0.5\nprep:\n  n: 1\n');
    const r = await ok(repo, ['repro', '-s', 'train']);
    expect(ran(r.stdout)).toEqual(['train']);
    expect(counts(repo)).toEqual({ prep: 1, train: 2, evaluate: 1, other: 1 });
    expect(repo.lock().stages.train?.params).toEqual({ 'params.yaml': { 'train.lr': 0.5 } });
  });

  it('STAGE runs that stage and its upstream, nothing downstream or unrelated', async () => {
    const repo = chainRepo();
    const r = await ok(repo, ['repro', 'train']);
    expect(ran(r.stdout)).toEqual(['prep', 'train']);
    expect(counts(repo)).toEqual({ prep: 1, train: 1, evaluate: 0, other: 0 });
    expect(Object.keys(repo.lock().stages).sort()).toEqual(['prep', 'train']);
    expect(repo.exists('eval.txt')).toBe(false);
  });

  it('--downstream STAGE runs that stage and what depends on it, not its upstream', async () => {
    const repo = await ranChain();
    const r = await ok(repo, ['repro', '-f', '--downstream', 'train']);
    expect(ran(r.stdout)).toEqual(['train', 'evaluate']);
    expect(counts(repo)).toEqual({ prep: 1, train: 2, evaluate: 2, other: 1 });
  });

  it('an unknown stage name exits 2 naming it and the known stages, running nothing', async () => {
    const repo = chainRepo();
    const r = await repo.pipe(['repro', 'trian']);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe("error: unknown stage 'trian'; did you mean 'train'?\n");
    expect(counts(repo)).toEqual({ prep: 0, train: 0, evaluate: 0, other: 0 });
    expect(repo.exists('data.lock')).toBe(false);
  });

  it('--dry on a fresh repo prints what would run and why, and runs and writes nothing', async () => {
    const repo = chainRepo();
    const before = readdirSync(repo.dir).sort();
    const r = await ok(repo, ['repro', '--dry']);
    expect(r.stdout).toMatch(/^prep: would run because it has no entry in data\.lock/m);
    expect(r.stdout).toMatch(/^evaluate: would run because/m);
    expect(ran(r.stdout)).toEqual([]);
    expect(counts(repo)).toEqual({ prep: 0, train: 0, evaluate: 0, other: 0 });
    expect(readdirSync(repo.dir).sort()).toEqual(before);
  });

  it('--dry after a change names the reason, and leaves data.lock and the outs alone', async () => {
    const repo = await ranChain();
    const lock = repo.lockBytes();
    repo.write('data/in.txt', 'new\n');
    const r = await ok(repo, ['repro', '--dry']);
    expect(r.stdout).toMatch(/^prep: would run because dep data\/in\.txt modified$/m);
    expect(r.stdout).toMatch(/^train: would run because upstream stage prep changed$/m);
    expect(r.stdout).toMatch(/^other: skipped \(up to date\)$/m);
    expect(counts(repo)).toEqual({ prep: 1, train: 1, evaluate: 1, other: 1 });
    expect(repo.lockBytes()).toEqual(lock);
    expect(repo.read('prep.txt')).toBe('hello\n');
  });

  it('streams stage output line by line with a [stage] prefix while the stage runs', async () => {
    const repo = makeRepo();
    repo.stages({
      talk: {
        cmd: 'echo first; echo to-stderr >&2; while [ ! -f go ]; do sleep 0.05; done; echo second; echo > talk.txt',
        outs: ['talk.txt'],
      },
    });
    const p = repo.start(['repro']);
    // The first line arrives while the stage is still blocked waiting for `go`.
    await p.waitForStdout(/^\[talk\] first$/m);
    expect(repo.exists('talk.txt')).toBe(false);
    repo.write('go', '');
    const r = await p.done;
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^\[talk\] first\n(.*\n)*\[talk\] second$/m);
    expect(r.stderr).toMatch(/^\[talk\] to-stderr$/m);
    expect(r.stdout).not.toContain('to-stderr');
  });

  it('removes declared outs before a stage runs, so appending to an out does not accumulate', async () => {
    const repo = makeRepo();
    repo.stages({
      log: { cmd: 'echo line >> log.txt', outs: ['log.txt'] },
      dir: { cmd: 'mkdir -p made && touch made/file-$$', outs: ['made'] },
    });
    await ok(repo, ['repro']);
    await ok(repo, ['repro', '-f']);
    expect(repo.read('log.txt')).toBe('line\n');
    expect(readdirSync(repo.path('made'))).toHaveLength(1);
  });

  it('keeps an out with persist: true in place before the stage runs', async () => {
    const repo = makeRepo();
    repo.stages({ log: { cmd: 'echo line >> log.txt', outs: [{ 'log.txt': { persist: true } }] } });
    await ok(repo, ['repro']);
    await ok(repo, ['repro', '-f']);
    expect(repo.read('log.txt')).toBe('line\nline\n');
  });

  it('a stage that does not create a declared out fails (exit 1) naming the out, and is not locked', async () => {
    const repo = makeRepo();
    repo.stages({ lazy: { cmd: 'echo made > made.txt', outs: ['made.txt', 'forgotten.txt'] } });
    const r = await repo.pipe(['repro']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/lazy/);
    expect(r.stderr).toMatch(/forgotten\.txt/);
    expect(r.stderr).not.toMatch(/made\.txt/);
    expect(repo.exists('data.lock') ? Object.keys(repo.lock().stages) : []).not.toContain('lazy');
  });

  it('restores a deleted or edited out from the run-cache; with --no-run-cache it re-runs the stage', async () => {
    const repo = await ranChain();
    repo.write('eval.txt', 'tampered\n');
    const r = await ok(repo, ['repro']);
    expect(r.stdout).toMatch(/^evaluate: restored from run-cache \(out eval\.txt modified\), not run$/m);
    expect(repo.read('eval.txt').trim()).toBe('2');
    rmSync(repo.path('other-out.txt'));
    const r2 = await ok(repo, ['repro']);
    expect(r2.stdout).toMatch(/^other: restored from run-cache \(out other-out\.txt missing\), not run$/m);
    expect(counts(repo)).toEqual({ prep: 1, train: 1, evaluate: 1, other: 1 });
    repo.write('eval.txt', 'tampered\n');
    rmSync(repo.path('other-out.txt'));
    const r3 = await ok(repo, ['repro', '--no-run-cache']);
    expect(r3.stdout).toMatch(/^evaluate: running because out eval\.txt modified$/m);
    expect(r3.stdout).toMatch(/^other: running because out other-out\.txt missing$/m);
    expect(repo.read('eval.txt').trim()).toBe('2');
    expect(counts(repo)).toEqual({ prep: 1, train: 1, evaluate: 2, other: 2 });
  });

  it('a cmd change re-runs the stage', async () => {
    const repo = await ranChain();
    repo.stages({ other: { cmd: `${countRun('other')} && cp other.txt other-out.txt && true`, deps: ['other.txt'], outs: ['other-out.txt'] } });
    const r = await ok(repo, ['repro']);
    expect(r.stdout).toMatch(/^other: running because cmd changed/m);
    expect(repo.count('other')).toBe(2);
  });

  it('always_changed stages run every time; frozen stages never run', async () => {
    const repo = makeRepo();
    repo.stages({
      always: { cmd: `${countRun('always')} && date +%N > always.txt`, outs: ['always.txt'], always_changed: true },
      ice: { cmd: `${countRun('ice')} && echo > ice.txt`, outs: ['ice.txt'], frozen: true },
    });
    await ok(repo, ['repro']);
    const r = await ok(repo, ['repro']);
    expect(r.stdout).toMatch(/^always: running because always_changed is set$/m);
    expect(r.stdout).toMatch(/^ice: skipped \(frozen\)$/m);
    expect(repo.count('always')).toBe(2);
    expect(repo.count('ice')).toBe(0);
  });

  it('passes env from pipeline.yaml to the stage and runs it in its wdir', async () => {
    const repo = makeRepo({ 'sub/in.txt': 'x\n' });
    repo.stages({
      envy: { cmd: 'echo "$GREETING" > out.txt && cat in.txt >> out.txt', wdir: 'sub', deps: ['in.txt'], outs: ['out.txt'], env: { GREETING: 'hi there' } },
    });
    await ok(repo, ['repro']);
    expect(repo.read('sub/out.txt')).toBe('hi there\nx\n');
    expect(repo.lock().stages.envy?.outs.map((o) => o.path)).toEqual(['sub/out.txt']);
  });
});
