import { describe, expect, it } from 'vitest';
import { lockFromValue } from './lock-from-value.js';
import { parseLock } from './read-lock.js';
import { serializeLock } from './serialize-lock.js';
import { isPipeError } from '../errors.js';

const lock = {
  schema: 1 as const,
  stages: {
    train: {
      cmd: 'node train.js',
      deps: [
        { path: 'z.csv', hash: 'sha256:bb', size: 2 },
        { path: 'data/features', hash: 'sha256:aa.dir', size: 10, nfiles: 2 },
      ],
      params: { 'params.yaml': { 'train.lr': 0.001, 'train.epochs': 20 } },
      outs: [{ path: 'models/churn', hash: 'sha256:cc.dir', size: 5, nfiles: 1 }],
    },
    a: { cmd: ['x', 'y'], deps: [], params: {}, outs: [] },
  },
  data: { 'data/raw/customers.csv': { hash: 'sha256:dd', size: 789 } },
};

describe('serializeLock', () => {
  it('writes the layout docs/formats.md gives: sorted stages, deps, params; one flow line per entry', () => {
    expect(serializeLock(lock)).toBe(`schema: 1
stages:
  a:
    cmd:
      - x
      - y
    deps: []
    params: {}
    outs: []
  train:
    cmd: node train.js
    deps:
      - {path: data/features, hash: sha256:aa.dir, size: 10, nfiles: 2}
      - {path: z.csv, hash: sha256:bb, size: 2}
    params:
      params.yaml: {train.epochs: 20, train.lr: 0.001}
    outs:
      - {path: models/churn, hash: sha256:cc.dir, size: 5, nfiles: 1}
data:
  data/raw/customers.csv: {hash: sha256:dd, size: 789}
`);
  });

  it('round-trips: parse then serialise gives the same bytes', async () => {
    const text = serializeLock(lock);
    expect(serializeLock(await parseLock(text))).toBe(text);
  });

  it('rejects a lock of another schema, saying where and what to do', async () => {
    const err = await parseLock('schema: 9\nstages: {}\n').catch((e: unknown) => e);
    expect(isPipeError(err, 'LOCK_INVALID')).toBe(true);
    expect((err as Error).message).toMatch(/^data\.lock:1:9: unsupported schema 9 .*git checkout -- data\.lock/);
    expect(() => lockFromValue({ schema: 1, stages: { a: { deps: [{ nope: 1 }] } } })).toThrow(/deps must be a list of \{path, hash, size\}/);
  });
});
