import { describe, expect, it } from 'vitest';
import { isPipeError } from '../errors.js';
import { makeStage } from '../../test/helpers/stage.js';
import { buildDag } from './build-dag.js';

const stage = (name: string, deps: string[], outs: string[]) => makeStage({ name, deps, outs });

function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (err) {
    return err;
  }
  throw new Error('expected a throw');
}

describe('buildDag', () => {
  it('links an out to a dep by exact path, by a dep on its parent directory, and by a dep inside an out directory', () => {
    const dag = buildDag({
      stages: [
        stage('train', ['data/features', 'models/x/weights.bin'], ['metrics.json']),
        stage('featurize', ['data/raw'], ['data/features/train.csv']),
        stage('model', [], ['models/x']),
        stage('report', ['metrics.json'], ['report.md']),
      ],
    });
    expect([...(dag.upstream.get('train') ?? [])].sort()).toEqual(['featurize', 'model']);
    expect(dag.order.indexOf('featurize')).toBeLessThan(dag.order.indexOf('train'));
    expect(dag.order.indexOf('model')).toBeLessThan(dag.order.indexOf('train'));
    expect(dag.order.at(-1)).toBe('report');
    expect(dag.edges).toContainEqual({ from: 'featurize', to: 'train', path: 'data/features' });
  });

  it('prints a cycle as a -> b -> a', () => {
    const err = thrown(() => buildDag({ stages: [stage('a', ['y'], ['x']), stage('b', ['x'], ['y'])] }));
    expect(isPipeError(err, 'DAG_CYCLE')).toBe(true);
    expect((err as Error).message).toMatch(/a -> b -> a/);
  });

  it('rejects the same out in two stages, overlapping outs and a dep on its own out, all at once', () => {
    const err = thrown(() =>
      buildDag({
        stages: [stage('a', [], ['out/x']), stage('b', [], ['out/x']), stage('c', [], ['out/x/y']), stage('d', ['z/1'], ['z'])],
      }),
    );
    expect(isPipeError(err, 'DAG_INVALID')).toBe(true);
    const problems = (err as { data: { problems: string[] } }).data.problems;
    expect(problems).toContain("out 'out/x' is declared by both stage 'a' and stage 'b'");
    expect(problems).toContain("outs overlap: 'out/x/y' (stage 'c') is inside 'out/x' (stage 'a')");
    expect(problems).toContain("stage 'd' depends on its own out 'z' (dep 'z/1')");
  });
});
