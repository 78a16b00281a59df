import { describe, expect, it } from 'vitest';
import { compareFlat, numericDiff } from './compare-flat.js';

const m = (o: Record<string, unknown>) => new Map(Object.entries(o));

describe('compareFlat', () => {
  it('finds changed, added, removed and unchanged keys, with numeric differences', () => {
    const a = m({ auc: 0.8, loss: 0.5, model: 'mlp', gone: 1, zero: 0, hidden: [64, 32] });
    const b = m({ auc: 0.8123, loss: 0.5, model: 'cnn', zero: 2, hidden: [64, 32], fresh: true });
    expect(compareFlat(a, b)).toEqual([
      { key: 'auc', state: 'changed', old: 0.8, new: 0.8123, diff: 0.0123, pct: 1.5375 },
      { key: 'loss', state: 'unchanged', old: 0.5, new: 0.5, diff: 0, pct: 0 },
      { key: 'model', state: 'changed', old: 'mlp', new: 'cnn' },
      { key: 'zero', state: 'changed', old: 0, new: 2, diff: 2 },
      { key: 'hidden', state: 'unchanged', old: [64, 32], new: [64, 32] },
      { key: 'fresh', state: 'added', new: true },
      { key: 'gone', state: 'removed', old: 1 },
    ]);
  });

  it('treats a number that became text as changed, without a difference', () => {
    expect(compareFlat(m({ k: 1 }), m({ k: '1' }))).toEqual([{ key: 'k', state: 'changed', old: 1, new: '1' }]);
  });

  it('subtracts without floating-point noise', () => {
    expect(0.3 - 0.1).not.toBe(0.2);
    expect(numericDiff(0.1, 0.3)).toBe(0.2);
    expect(numericDiff(0.861221, 0.861222)).toBe(0.000001);
    expect(numericDiff(1e-7, 3e-7)).toBe(2e-7);
    expect(numericDiff(10, 7)).toBe(-3);
  });
});
