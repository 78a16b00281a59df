import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { makeStage } from '../../test/helpers/stage.js';
import { tempDir } from '../../test/helpers/temp-dir.js';
import { fingerprint } from './fingerprint.js';
import { RunCache, runKey } from './run-cache.js';

const deps = [
  { path: 'b.csv', hash: 'sha256:bb' },
  { path: 'a.csv', hash: 'sha256:aa' },
];
const params = { 'params.yaml': { 'train.lr': 0.1 } };
const stage = makeStage({ name: 'train', cmd: 'node train.js', deps: ['a.csv', 'b.csv'], outs: ['model.bin'] });

describe('fingerprint', () => {
  it('is the same for the same run, whatever order deps and param keys come in', () => {
    const fp = fingerprint(stage, deps, params);
    expect(fp).toMatch(/^[0-9a-f]{64}$/);
    expect(fingerprint(stage, [...deps].reverse(), { 'params.yaml': { 'train.lr': 0.1 } })).toBe(fp);
  });

  it('changes with anything that could change what the stage produces', () => {
    const fp = fingerprint(stage, deps, params);
    const variants = [
      fingerprint(makeStage({ name: 'train', cmd: 'node train.js --fast', deps: ['a.csv', 'b.csv'], outs: ['model.bin'] }), deps, params),
      fingerprint(makeStage({ name: 'train', cmd: 'node train.js', wdir: 'sub', deps: ['a.csv', 'b.csv'], outs: ['model.bin'] }), deps, params),
      fingerprint(makeStage({ name: 'train', cmd: 'node train.js', env: { SEED: '2' }, deps: ['a.csv', 'b.csv'], outs: ['model.bin'] }), deps, params),
      fingerprint(makeStage({ name: 'train', cmd: 'node train.js', deps: ['a.csv', 'b.csv'], outs: ['model2.bin'] }), deps, params),
      fingerprint(stage, [{ path: 'a.csv', hash: 'sha256:a2' }, { path: 'b.csv', hash: 'sha256:bb' }], params),
      fingerprint(stage, deps, { 'params.yaml': { 'train.lr': 0.2 } }),
    ];
    expect(new Set([fp, ...variants]).size).toBe(variants.length + 1);
  });

  it("does not depend on the stage's name: the same work under another name is the same run", () => {
    expect(fingerprint({ ...stage, name: 'fit' }, deps, params)).toBe(fingerprint(stage, deps, params));
  });
});

describe('RunCache', () => {
  const fp = fingerprint(stage, deps, params);
  const record = { stage: 'train', outs: [{ path: 'model.bin', hash: 'sha256:cc', size: 3 }] };

  it('returns what was put under a fingerprint, and lists every fingerprint stored', () => {
    const store = tempDir('pipe-run-cache-');
    const runs = new RunCache(store);
    expect(runs.get(fp)).toBeUndefined();
    expect(runs.list()).toEqual([]);
    runs.put(fp, record);
    expect(new RunCache(store).get(fp)).toEqual(record);
    expect(runs.list()).toEqual([fp]);
  });

  it('stores each run under runs/<2 hex>/<62 hex>, the key remotes use too', () => {
    expect(runKey(fp)).toBe(`runs/${fp.slice(0, 2)}/${fp.slice(2)}`);
    expect(() => runKey('../../etc/passwd')).toThrow(/not a run fingerprint/);
  });

  it('treats a corrupt or malformed record as absent, and lists only well-formed keys', () => {
    const store = tempDir('pipe-run-cache-');
    const runs = new RunCache(store);
    mkdirSync(join(store, runKey(fp), '..'), { recursive: true });
    writeFileSync(join(store, runKey(fp)), '{"stage": "train", "outs": [{"path": 1}]}');
    expect(runs.get(fp)).toBeUndefined();
    writeFileSync(join(store, runKey(fp)), '{truncated');
    expect(runs.get(fp)).toBeUndefined();
    writeFileSync(join(store, runKey(fp), '..', 'not-a-key.tmp'), '');
    expect(runs.list()).toEqual([fp]);
  });
});
