import { describe, expect, it } from 'vitest';
import { ABSENT, formatChange, formatNumber, formatPercent, formatValue } from './format-value.js';

describe('formatting values and changes', () => {
  it('rounds non-integers to N significant digits and prints integers in full', () => {
    expect(formatNumber(0.861222)).toBe('0.86122');
    expect(formatNumber(0.1)).toBe('0.1');
    expect(formatNumber(123456.789)).toBe('123460');
    expect(formatNumber(50000)).toBe('50000');
    expect(formatNumber(1234567)).toBe('1234567');
    expect(formatNumber(0.000123456)).toBe('0.00012346');
    expect(formatNumber(0.861222, 3)).toBe('0.861');
  });

  it('shows absent as an em dash, text as is, lists and mappings compactly', () => {
    expect(formatValue(undefined)).toBe(ABSENT);
    expect(ABSENT).toBe('—');
    expect(formatValue('adam')).toBe('adam');
    expect(formatValue(null)).toBe('null');
    expect(formatValue(false)).toBe('false');
    expect(formatValue([64, 32])).toBe('[64, 32]');
    expect(formatValue(['a', 1])).toBe('["a", 1]');
    expect(formatValue({})).toBe('{}');
  });

  it('writes the change of a number with its sign and relative change', () => {
    expect(formatChange({ key: 'auc', state: 'changed', old: 0.8, new: 0.8123, diff: 0.0123, pct: 1.5375 })).toBe('+0.0123 (+1.5%)');
    expect(formatChange({ key: 'loss', state: 'changed', old: 0.5, new: 0.4, diff: -0.1, pct: -20 })).toBe('-0.1 (-20.0%)');
    expect(formatChange({ key: 'n', state: 'changed', old: 0, new: 2, diff: 2 })).toBe('+2');
    expect(formatChange({ key: 'n', state: 'unchanged', old: 2, new: 2, diff: 0, pct: 0 })).toBe('0');
    expect(formatChange({ key: 'x', state: 'changed', old: 1.23456789, new: 1.23466789, diff: 0.0001, pct: 0.0081 })).toBe('+0.0001 (+0.0081%)');
  });

  it('names the change of other values', () => {
    expect(formatChange({ key: 'm', state: 'changed', old: 'a', new: 'b' })).toBe('changed');
    expect(formatChange({ key: 'm', state: 'unchanged', old: 'a', new: 'a' })).toBe('');
    expect(formatChange({ key: 'm', state: 'added', new: 'a' })).toBe('added');
    expect(formatChange({ key: 'm', state: 'removed', old: 'a' })).toBe('removed');
  });

  it('keeps small percentages readable', () => {
    expect(formatPercent(1.5375)).toBe('+1.5%');
    expect(formatPercent(-0.04567)).toBe('-0.046%');
    expect(formatPercent(250)).toBe('+250.0%');
  });
});
