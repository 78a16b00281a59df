import { describe, expect, it } from 'vitest';
import { flattenValue } from './flatten-value.js';

describe('flattenValue', () => {
  it('walks mappings into dotted keys, in file order', () => {
    expect([...flattenValue({ train: { lr: 0.01, epochs: 10, opt: { name: 'adam' } }, seed: 1 })]).toEqual([
      ['train.lr', 0.01],
      ['train.epochs', 10],
      ['train.opt.name', 'adam'],
      ['seed', 1],
    ]);
  });

  it('keeps lists of plain values, empty mappings, null and booleans as leaves', () => {
    expect([...flattenValue({ hidden: [64, 32], tags: [], extra: {}, none: null, ok: true })]).toEqual([
      ['hidden', [64, 32]],
      ['tags', []],
      ['extra', {}],
      ['none', null],
      ['ok', true],
    ]);
  });

  it('walks lists of mappings by index, as params keys are written', () => {
    expect([...flattenValue({ checks: [{ name: 'rows', value: 5 }, { name: 'ids', value: 0 }] })]).toEqual([
      ['checks.0.name', 'rows'],
      ['checks.0.value', 5],
      ['checks.1.name', 'ids'],
      ['checks.1.value', 0],
    ]);
  });

  it('gives no keys for an empty file and the key "" for a file holding one value', () => {
    expect(flattenValue(null).size).toBe(0);
    expect(flattenValue(undefined).size).toBe(0);
    expect([...flattenValue(0.93)]).toEqual([['', 0.93]]);
  });
});
