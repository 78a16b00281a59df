/** @module data.lock as written by repro: schema, sorted stages, hashes, dirs, params, byte-identical rewrites. */
import { createHash } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { makeRepo, removeRepos, type Repo } from '../helpers/repo.js';

afterAll(removeRepos);

const sha256 = (text: string) => `sha256:${createHash('sha256').update(text).digest('hex')}`;

/** Stages declared out of alphabetical order; one makes a directory of three files. */
function lockRepo(): Repo {
  const repo = makeRepo({
    'data/raw.txt': 'a,b\n1,2\n',
    'params.yaml': 'train:\n  lr: 0.01\n  layers: [8, 4]\nseed: 7\n',
  });
  repo.stages({
    zeta: {
      cmd: 'mkdir -p model && cp data/raw.txt model/a.txt && echo b > model/b.txt && echo c > model/.c',
      deps: ['data/raw.txt'],
      params: ['train.lr', 'train.layers', 'seed'],
      outs: ['model'],
    },
    alpha: { cmd: 'cat model/a.txt > alpha.txt', deps: ['model'], outs: ['alpha.txt'] },
    mid: { cmd: ['echo one > mid.txt', 'echo two >> mid.txt'], outs: ['mid.txt'] },
  });
  return repo;
}

describe('data.lock', () => {
  it('has schema 1 and the stages sorted by name', async () => {
    const repo = lockRepo();
    expect((await repo.pipe(['repro'])).code).toBe(0);
    const text = repo.read('data.lock');
    expect(text).toMatch(/^schema: 1\n/);
    const lock = repo.lock();
    expect(lock.schema).toBe(1);
    expect(Object.keys(lock.stages)).toEqual(['alpha', 'mid', 'zeta']);
    expect(text.indexOf('\n  alpha:')).toBeLessThan(text.indexOf('\n  mid:'));
    expect(text.indexOf('\n  mid:')).toBeLessThan(text.indexOf('\n  zeta:'));
  });

  it('records files as sha256 of their bytes with their size', async () => {
    const repo = lockRepo();
    expect((await repo.pipe(['repro'])).code).toBe(0);
    const { stages } = repo.lock();
    expect(stages.zeta?.deps).toEqual([{ path: 'data/raw.txt', hash: sha256('a,b\n1,2\n'), size: 8 }]);
    expect(stages.alpha?.outs).toEqual([{ path: 'alpha.txt', hash: sha256('a,b\n1,2\n'), size: 8 }]);
    expect(stages.mid?.outs).toEqual([{ path: 'mid.txt', hash: sha256('one\ntwo\n'), size: 8 }]);
    expect(stages.mid?.cmd).toEqual(['echo one > mid.txt', 'echo two >> mid.txt']);
  });

  it('records directories as sha256:<hex>.dir with their total size and file count (hidden files included)', async () => {
    const repo = lockRepo();
    expect((await repo.pipe(['repro'])).code).toBe(0);
    const { stages } = repo.lock();
    const out = stages.zeta?.outs[0];
    expect(out?.path).toBe('model');
    expect(out?.hash).toMatch(/^sha256:[0-9a-f]{64}\.dir$/);
    expect(out?.nfiles).toBe(3);
    expect(out?.size).toBe(8 + 2 + 2);
    // The consumer of the directory records the same hash for it as a dep.
    expect(stages.alpha?.deps).toEqual([out]);
  });

  it('records params as {params.yaml: {key: value}}, values with their YAML types', async () => {
    const repo = lockRepo();
    expect((await repo.pipe(['repro'])).code).toBe(0);
    const { stages } = repo.lock();
    expect(stages.zeta?.params).toEqual({ 'params.yaml': { seed: 7, 'train.layers': [8, 4], 'train.lr': 0.01 } });
    expect(stages.alpha?.params).toEqual({});
  });

  it('records params of another params file under that file', async () => {
    const repo = makeRepo({ 'conf/train.yaml': 'epochs: 3\n' });
    repo.stages({ fit: { cmd: 'echo > fit.txt', params: [{ 'conf/train.yaml': ['epochs'] }], outs: ['fit.txt'] } });
    expect((await repo.pipe(['repro'])).code).toBe(0);
    expect(repo.lock().stages.fit?.params).toEqual({ 'conf/train.yaml': { epochs: 3 } });
  });

  it('lists deps and outs sorted by path, whatever order pipeline.yaml uses', async () => {
    const repo = makeRepo({ 'b.txt': 'b\n', 'a.txt': 'a\n', 'c/x.txt': 'x\n' });
    repo.stages({ s: { cmd: 'echo > z.txt && echo > y.txt', deps: ['c', 'b.txt', 'a.txt'], outs: ['z.txt', 'y.txt'] } });
    expect((await repo.pipe(['repro'])).code).toBe(0);
    const s = repo.lock().stages.s;
    expect(s?.deps.map((d) => d.path)).toEqual(['a.txt', 'b.txt', 'c']);
    expect(s?.outs.map((o) => o.path)).toEqual(['y.txt', 'z.txt']);
  });

  it('a run that changes nothing leaves data.lock byte-identical', async () => {
    const repo = lockRepo();
    expect((await repo.pipe(['repro'])).code).toBe(0);
    const before = repo.lockBytes();
    const r = await repo.pipe(['repro']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/Everything is up to date/);
    expect(repo.lockBytes()).toEqual(before);
  });

  it('a forced run producing the same outputs rewrites data.lock to the same bytes', async () => {
    const repo = lockRepo();
    expect((await repo.pipe(['repro'])).code).toBe(0);
    const before = repo.lockBytes();
    expect((await repo.pipe(['repro', '-f'])).code).toBe(0);
    expect(repo.lockBytes()).toEqual(before);
  });

  it('drops the entry of a stage removed from pipeline.yaml', async () => {
    const repo = lockRepo();
    expect((await repo.pipe(['repro'])).code).toBe(0);
    repo.stages({ mid: { cmd: ['echo one > mid.txt', 'echo two >> mid.txt'], outs: ['mid.txt'] } });
    expect((await repo.pipe(['repro'])).code).toBe(0);
    expect(Object.keys(repo.lock().stages)).toEqual(['mid']);
  });

  it('a corrupt data.lock is an input error naming the file', async () => {
    const repo = lockRepo();
    repo.write('data.lock', 'schema: 99\nstages: {}\n');
    const r = await repo.pipe(['repro']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/data\.lock:1:\d+: .*schema/);
    expect(repo.read('data.lock')).toBe('schema: 99\nstages: {}\n');
  });
});
