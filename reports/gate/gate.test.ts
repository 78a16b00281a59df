import { describe, expect, it } from 'vitest';
import { evaluateRule } from './evaluate-rule.js';
import { findMetric } from './find-metric.js';
import { branchMatches, gateTarget } from './gate-target.js';
import { metricDirection } from './metric-direction.js';

const found = (old: unknown, nu: unknown) => ({ state: 'found' as const, path: 'm.json', change: { key: 'auc', state: 'changed' as const, old, new: nu } });

describe('evaluateRule', () => {
  it('a drop of exactly max_drop passes (no floating-point noise); one more digit fails', () => {
    expect(evaluateRule({ metric: 'auc', max_drop: 0.01 }, found(0.85, 0.84), undefined, branchMatches).result).toBe('pass');
    expect(evaluateRule({ metric: 'auc', max_drop: 0.01 }, found(0.85, 0.8399), undefined, branchMatches)).toMatchObject({ result: 'fail', why: 'dropped 0.0101 (allowed 0.01)' });
  });
  it('a base without the metric skips the regression check but keeps absolute limits', () => {
    expect(evaluateRule({ metric: 'auc', max_drop: 0.01 }, found(undefined, 0.5), undefined, branchMatches)).toMatchObject({ result: 'pass', why: 'no base value: regression not checked' });
    expect(evaluateRule({ metric: 'auc', min: 0.6, max_drop: 0.01 }, found(undefined, 0.5), undefined, branchMatches)).toMatchObject({ result: 'fail', why: 'below min 0.6' });
  });
  it('text where a number is needed fails; a missing optional metric passes', () => {
    expect(evaluateRule({ metric: 'auc', max: 1 }, found(1, 'n/a'), undefined, branchMatches)).toMatchObject({ result: 'fail', why: 'not a number: "n/a"' });
    expect(evaluateRule({ metric: 'auc', required: false }, { state: 'missing' }, undefined, branchMatches).result).toBe('pass');
  });
});

describe('findMetric', () => {
  const files = [
    { path: 'metrics/eval.json', changes: [{ key: 'auc', state: 'unchanged' as const, old: 1, new: 1 }, { key: 'psi:tenure', state: 'unchanged' as const, old: 0.1, new: 0.2 }] },
    { path: 'metrics/data.json', changes: [{ key: 'auc', state: 'removed' as const, old: 2 }] },
  ];
  it('path:key when a metrics file is the prefix; a colon elsewhere belongs to the key', () => {
    expect(findMetric(files, 'metrics/data.json:auc')).toMatchObject({ state: 'found', path: 'metrics/data.json' });
    expect(findMetric(files, 'psi:tenure')).toMatchObject({ state: 'found', path: 'metrics/eval.json', change: { new: 0.2 } });
    expect(findMetric(files, 'metrics/eval.json:psi:tenure')).toMatchObject({ state: 'found', change: { key: 'psi:tenure' } });
    // Two files have auc, but only one at the head: that one decides.
    expect(findMetric(files, 'auc')).toMatchObject({ state: 'found', path: 'metrics/eval.json' });
    expect(findMetric(files, 'nope')).toEqual({ state: 'missing' });
  });
});

describe('targets and directions', () => {
  it('branch patterns: * stays within one path segment, ** crosses them', () => {
    expect(branchMatches('release/*', 'release/1.2')).toBe(true);
    expect(branchMatches('release/*', 'release/1/2')).toBe(false);
    expect(branchMatches('release/**', 'release/1/2')).toBe(true);
    expect(branchMatches('main', 'mainline')).toBe(false);
    expect(branchMatches('{main,test}', 'test')).toBe(true);
    expect(branchMatches('release/v?', 'release/v1')).toBe(true);
    expect(branchMatches('release/v[0-9]*', 'release/vx')).toBe(false);
  });
  it('the target comes from --target, GITHUB_BASE_REF, or a base that names a branch', () => {
    expect(gateTarget({ base: 'origin/main', env: {} })).toBe('main');
    expect(gateTarget({ base: 'HEAD~1', env: {} })).toBeUndefined();
    expect(gateTarget({ base: 'abc1234', env: {} })).toBeUndefined();
    expect(gateTarget({ base: 'origin/main', env: { GITHUB_BASE_REF: 'test' } })).toBe('test');
    expect(gateTarget({ base: 'x', target: 'dev', env: { GITHUB_BASE_REF: 'test' } })).toBe('dev');
  });
  it('direction from the rules first, then the name', () => {
    expect(metricDirection('loss', 'm.json', [{ metric: 'loss', max_drop: 0.1 }])).toBe('higher');
    expect(metricDirection('val.logloss', 'm.json', [])).toBe('lower');
    expect(metricDirection('f1', 'm.json', [])).toBe('higher');
    expect(metricDirection('rows', 'm.json', [])).toBeUndefined();
  });
});
