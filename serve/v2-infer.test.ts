import { describe, expect, it } from 'vitest';
import { readInferRequest } from './v2-infer.js';

/** The rows as the route made them before the builder: a store per value, column after column (of the inputs as a body carries them). */
function storedRows(sent: { name: string; data: unknown[] }[]): Record<string, unknown>[] {
  const inputs = JSON.parse(JSON.stringify(sent)) as typeof sent;
  const rows: Record<string, unknown>[] = Array.from({ length: (inputs[0]?.data ?? []).flat(Infinity).length }, () => ({}));
  for (const t of inputs) t.data.flat(Infinity).forEach((v, r) => ((rows[r] as Record<string, unknown>)[t.name] = v));
  return rows;
}

const rowsOf = (inputs: { name: string; shape: number[]; datatype: string; data: unknown[] }[]) => {
  const { input } = readInferRequest(JSON.parse(JSON.stringify({ inputs })), 3);
  if (input.kind !== 'rows') throw new Error('expected rows');
  return input.rows;
};

/** Rows with their keys in order and their prototypes: what the validator and the encoder see. */
const shown = (rows: Record<string, unknown>[]) => rows.map((row) => [Object.getPrototypeOf(row) === Object.prototype, Object.entries(row)]);

describe('readInferRequest: column tensors to rows', () => {
  it('gives each row every column’s value in the tensors’ order, as a store per value did, flat [N] or nested [N, 1]', () => {
    const inputs = [
      { name: 'plan', shape: [3], datatype: 'BYTES', data: ['basic', 'pro', null] },
      { name: 'age', shape: [3, 1], datatype: 'INT64', data: [[30], [41], [7]] },
      { name: '10', shape: [3], datatype: 'FP64', data: [1.5, -0, 2e3] },
      { name: 'a "quoted" \\ name\u2028', shape: [3], datatype: 'BYTES', data: ['x', 'y', 'z'] },
    ];
    const rows = rowsOf(inputs);
    expect(shown(rows)).toEqual(shown(storedRows(inputs)));
    expect(Object.keys(rows[0] as object)).toEqual(['10', 'plan', 'age', 'a "quoted" \\ name\u2028']);
    expect(rows[2]).toEqual({ plan: null, age: 7, 10: 2000, 'a "quoted" \\ name\u2028': 'z' });
  });

  it('keeps the old meaning of a name given twice (the later wins, in the first one’s place), and refuses __proto__', () => {
    const twice = [
      { name: 'age', shape: [2], datatype: 'INT64', data: [1, 2] },
      { name: 'plan', shape: [2], datatype: 'BYTES', data: ['a', 'b'] },
      { name: 'age', shape: [2], datatype: 'INT64', data: [3, 4] },
    ];
    expect(shown(rowsOf(twice))).toEqual(shown(storedRows(twice)));
    expect(rowsOf(twice)[1]).toEqual({ age: 4, plan: 'b' });
    // A field __proto__ set the row's prototype: an object in its data lent the row its fields, which were then validated and scored.
    for (const proto of [
      [{ name: '__proto__', shape: [3], datatype: 'BYTES', data: ['x', null, { age: 1 }] }, { name: 'plan', shape: [3], datatype: 'BYTES', data: ['a', 'b', 'c'] }],
      [{ name: 'age', shape: [1], datatype: 'INT64', data: [1] }, { name: '__proto__', shape: [1], datatype: 'BYTES', data: [{ plan: 'basic' }] }, { name: '__proto__', shape: [1], datatype: 'BYTES', data: [3] }],
    ]) {
      expect(() => rowsOf(proto)).toThrow(expect.objectContaining({ status: 400, message: 'input __proto__: not an input of this model' }));
    }
  });

  it('builds rows for many different name lists in turn (the builders’ cache is bounded, not wrong), and past 1,024 columns by stores', () => {
    for (let i = 0; i < 40; i++) {
      const inputs = [
        { name: `c${i}`, shape: [2], datatype: 'INT64', data: [i, i + 1] },
        { name: 'age', shape: [2], datatype: 'INT64', data: [5, 6] },
      ];
      expect(shown(rowsOf(inputs))).toEqual(shown(storedRows(inputs)));
    }
    const wide = Array.from({ length: 1100 }, (_, c) => ({ name: `c${c % 1050}`, shape: [2], datatype: 'INT64', data: [c, -c] }));
    expect(shown(rowsOf(wide))).toEqual(shown(storedRows(wide)));
  });
});
