import { describe, expect, it } from 'vitest';
import { makeStage } from '../../test/helpers/stage.js';
import { buildDag } from './build-dag.js';
import { selectStages } from './select-stages.js';

const stage = (name: string, deps: string[], outs: string[]) => makeStage({ name, deps, outs });

describe('selectStages', () => {
  // a → b → c, a → d → c (a diamond), x on its own; declared out of order.
  const dag = buildDag({
    stages: [
      stage('c', ['b.txt', 'd.txt'], ['c.txt']),
      stage('b', ['a.txt'], ['b.txt']),
      stage('x', [], ['x.txt']),
      stage('a', [], ['a.txt']),
      stage('d', ['a.txt'], ['d.txt']),
    ],
  });

  it('selects every stage, in an order that runs each after its upstream, when no target is named', () => {
    const order = selectStages(dag, {});
    expect([...order].sort()).toEqual(['a', 'b', 'c', 'd', 'x']);
    for (const [before, after] of [['a', 'b'], ['a', 'd'], ['b', 'c'], ['d', 'c']] as const) expect(order.indexOf(before)).toBeLessThan(order.indexOf(after));
  });

  it('selects a target with everything upstream of it, each stage once, in run order', () => {
    const order = selectStages(dag, { targets: ['c'] });
    expect([...order].sort()).toEqual(['a', 'b', 'c', 'd']);
    expect([order.at(0), order.at(-1)]).toEqual(['a', 'c']);
    expect(selectStages(dag, { targets: ['b'] })).toEqual(['a', 'b']);
  });

  it('with single (-s), selects only the targets themselves, in run order whatever order they were named in', () => {
    expect(selectStages(dag, { targets: ['c', 'a'], single: true })).toEqual(['a', 'c']);
  });

  it('with downstream, selects the targets and everything that depends on them, not their upstream', () => {
    expect(selectStages(dag, { targets: ['b'], downstream: true })).toEqual(['b', 'c']);
    expect(selectStages(dag, { targets: ['a'], downstream: true }).sort()).toEqual(['a', 'b', 'c', 'd']);
    expect(selectStages(dag, { targets: ['x'], downstream: true })).toEqual(['x']);
  });

  it('names every unknown target and lists the known stages (STAGE_UNKNOWN)', () => {
    expect(() => selectStages(dag, { targets: ['nope'] })).toThrowError(
      expect.objectContaining({ code: 'STAGE_UNKNOWN', message: expect.stringMatching(/^unknown stage 'nope'; stages in pipeline.yaml: /) }),
    );
    expect(() => selectStages(dag, { targets: ['b', 'nope', 'nada'] })).toThrowError(
      expect.objectContaining({ code: 'STAGE_UNKNOWN', data: { stages: ['nope', 'nada'], known: ['c', 'b', 'x', 'a', 'd'] }, message: expect.stringMatching(/^unknown stages 'nope', 'nada';/) }),
    );
    expect(() => selectStages(buildDag({ stages: [] }), { targets: ['train'] })).toThrowError("unknown stage 'train'; stages in pipeline.yaml: (none)");
  });

  it('suggests the stage a mistyped name was most likely meant to be, only when it is close', () => {
    const named = buildDag({ stages: ['ingest', 'train', 'evaluate'].map((name) => stage(name, [], [`${name}.out`])) });
    expect(() => selectStages(named, { targets: ['trian'] })).toThrowError("unknown stage 'trian'; did you mean 'train'?");
    expect(() => selectStages(named, { targets: ['evalute', 'deploy'] })).toThrowError(
      "unknown stages 'evalute' (did you mean 'evaluate'?), 'deploy'; stages in pipeline.yaml: ingest, train, evaluate",
    );
  });
});
