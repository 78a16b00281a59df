import { describe, expect, it } from 'vitest';
import { flattenValue, flattenWithLists } from './flatten-value.js';

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

  it('with keyByName, keys a list of mappings by name (else id), so an inserted entry is compared with nothing', () => {
    const checks = [{ name: 'rows', value: 5 }, { name: 'psi:tenure', value: 0.02, pass: true }];
    expect([...flattenValue({ checks }, { keyByName: true })]).toEqual([
      ['checks[rows].value', 5],
      ['checks[psi:tenure].value', 0.02],
      ['checks[psi:tenure].pass', true],
    ]);
    expect([...flattenValue([{ id: 7, n: 1 }], { keyByName: true })]).toEqual([['[7].n', 1]]);
    expect(flattenWithLists({ checks }, { keyByName: true }).lists).toEqual(new Map([['checks', 2]]));
  });

  it('with keyByName, falls back to indices when a name is missing or repeated', () => {
    expect([...flattenValue({ c: [{ name: 'a', v: 1 }, { v: 2 }] }, { keyByName: true }).keys()]).toEqual(['c.0.name', 'c.0.v', 'c.1.v']);
    expect([...flattenValue({ c: [{ name: 'a', v: 1 }, { name: 'a', v: 2 }] }, { keyByName: true }).keys()]).toEqual(['c.0.name', 'c.0.v', 'c.1.name', 'c.1.v']);
  });
});
