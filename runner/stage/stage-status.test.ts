import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { makeStage, type StageFields } from '../../test/helpers/stage.js';
import { tempDir } from '../../test/helpers/temp-dir.js';
import { PathHasher } from '../hash/hash-path.js';
import { StatState } from '../hash/stat-state.js';
import type { StageLock } from '../lockfile/lock.js';
import { describeReason, firstReason } from './reason.js';
import { lockedCmd, stageStatus } from './stage-status.js';

/** A workspace with files, and params.yaml values as the loaded pipeline would hold them. */
function workspace(files: Record<string, string>, params: Record<string, unknown> = {}) {
  const root = tempDir('pipe-stage-status-');
  const write = (rel: string, text: string) => {
    mkdirSync(dirname(join(root, rel)), { recursive: true });
    writeFileSync(join(root, rel), text);
  };
  for (const [rel, text] of Object.entries(files)) write(rel, text);
  const pipeline = { params: new Map([['params.yaml', new Map(Object.entries(params))]]) };
  // A fresh hasher per question: PathHasher remembers each path's hash for one run.
  const hasher = () => new PathHasher(root, new StatState(join(root, '.state')));

  /** The stage's status against `locked`, as the words `pipe status` prints. */
  const status = async (fields: StageFields, locked: StageLock | undefined, { checkOuts = true } = {}) => {
    const s = await stageStatus({ stage: makeStage(fields), locked, pipeline, hasher: hasher(), checkOuts });
    return s.reasons.map(describeReason);
  };

  /** What data.lock would hold for the stage after a successful run in the workspace as it is now. */
  const lock = async (fields: StageFields): Promise<StageLock> => {
    const stage = makeStage(fields);
    const h = hasher();
    const s = await stageStatus({ stage, locked: undefined, pipeline, hasher: h });
    const outs = await Promise.all(stage.outs.map(async (o) => (await h.hash(o.path)) ?? { path: o.path, hash: 'sha256:none', size: 0 }));
    return {
      cmd: lockedCmd(stage),
      wdir: stage.wdir,
      env: stage.env,
      deps: s.deps.map(({ path, hash, size }) => ({ path, hash, size })),
      params: s.params,
      outs: outs.map(({ path, hash, size }) => ({ path, hash, size })),
    };
  };
  return { root, write, remove: (rel: string) => rmSync(join(root, rel), { recursive: true }), status, lock };
}

const P = (key: string) => ({ file: 'params.yaml', key });

describe('stageStatus', () => {
  it('a stage with no data.lock entry runs because it never ran, and also names deps that are missing', async () => {
    const ws = workspace({ 'in.csv': 'x' });
    expect(await ws.status({ deps: ['in.csv', 'gone.csv'] }, undefined)).toEqual(['it has no entry in data.lock (never run)', 'dep gone.csv missing']);
  });

  it('a stage whose deps, params, outs, cmd, wdir and env are as locked is up to date (no reasons)', async () => {
    const ws = workspace({ 'in.csv': 'x', 'data/a.txt': 'a', 'model.bin': 'm', 'sub/.keep': '' }, { 'train.lr': 0.1 });
    const fields: StageFields = { cmd: ['a', 'b'], wdir: 'sub', env: { SEED: '1' }, deps: ['in.csv', 'data'], params: [P('train.lr')], outs: ['model.bin'] };
    expect(await ws.status(fields, await ws.lock(fields))).toEqual([]);
  });

  it('names each changed input: a missing dep first, then cmd, wdir, env key, a modified, added or removed dep', async () => {
    const ws = workspace({ 'in.csv': 'x', 'more.csv': 'y', 'sub/.keep': '' });
    const locked = await ws.lock({ cmd: 'old', env: { A: '1', B: '2' }, deps: ['in.csv', 'more.csv'] });
    ws.write('in.csv', 'changed');
    expect(await ws.status({ cmd: 'new', wdir: 'sub', env: { A: '1', B: '3', C: '4' }, deps: ['in.csv', 'extra.csv'] }, locked)).toEqual([
      'dep extra.csv missing',
      'cmd changed',
      'wdir changed',
      'env B changed',
      'env C changed',
      'dep in.csv modified',
      'dep more.csv removed',
    ]);
    ws.write('extra.csv', 'z');
    expect(await ws.status({ cmd: 'old', env: { A: '1', B: '2' }, deps: ['in.csv', 'more.csv', 'extra.csv'] }, locked)).toEqual(['dep in.csv modified', 'dep extra.csv added']);
  });

  it('names a changed param with its old and new value, and params added or removed', async () => {
    const locked = await workspace({}, { 'train.lr': 0.1, 'train.epochs': 5 }).lock({ params: [P('train.lr'), P('train.epochs')] });
    const ws = workspace({}, { 'train.lr': 0.2, 'train.epochs': 5, 'train.seed': 7 });
    expect(await ws.status({ params: [P('train.lr'), P('train.seed')] }, locked)).toEqual([
      'param train.lr changed from 0.1 to 0.2',
      'param train.seed added',
      'param train.epochs removed',
    ]);
  });

  it('names outs that are missing, modified, newly declared or no longer declared; checkOuts: false skips them', async () => {
    const ws = workspace({ 'model.bin': 'm', 'report.txt': 'r', 'old.txt': 'o' });
    const locked = await ws.lock({ outs: ['model.bin', 'report.txt', 'old.txt'] });
    ws.remove('model.bin');
    ws.write('report.txt', 'edited by hand');
    const fields: StageFields = { outs: ['model.bin', 'report.txt', 'new.txt'] };
    expect(await ws.status(fields, locked)).toEqual(['out old.txt removed', 'out model.bin missing', 'out report.txt modified', 'out new.txt added']);
    expect(await ws.status(fields, locked, { checkOuts: false })).toEqual([]);
  });

  it('always_changed makes an up-to-date stage run anyway', async () => {
    const ws = workspace({ 'in.csv': 'x' });
    const locked = await ws.lock({ deps: ['in.csv'] });
    expect(await ws.status({ deps: ['in.csv'], alwaysChanged: true }, locked)).toEqual(['always_changed is set']);
  });
});

describe('firstReason', () => {
  it('gives the first reason in words and how many more there are', () => {
    expect(firstReason([])).toBe('');
    expect(firstReason([{ kind: 'forced' }])).toBe('forced (-f)');
    expect(firstReason([{ kind: 'dep-modified', path: 'a.csv' }, { kind: 'cmd-changed' }, { kind: 'upstream-changed', stage: 'prep' }])).toBe('dep a.csv modified (+2 more)');
  });

  it('shows param values as they read in params.yaml: strings bare, anything else as JSON', () => {
    expect(describeReason({ kind: 'param-changed', file: 'params.yaml', key: 'model', from: 'mlp', to: { layers: [8, 4] } })).toBe('param model changed from mlp to {"layers":[8,4]}');
  });
});
