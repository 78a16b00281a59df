import { describe, expect, it } from 'vitest';
import { ColumnBinner } from './column-binner.js';
import { rowBinner } from './row-binner.js';

const columns = [
  ColumnBinner.feature('tenure', { kind: 'numeric', edges: [1, 5.5, 12, 40], shares: [0.2, 0.2, 0.2, 0.2, 0.1], missing: 0.1 }),
  ColumnBinner.feature('plan', { kind: 'category', categories: ['basic', 'pro', '1', 'basic'], shares: [0.3, 0.3, 0.1, 0.3], other: 0, missing: 0 }),
  ColumnBinner.feature('odd "name"\n', { kind: 'category', categories: ['q"\\\u2028}; throw 1; //', ''], shares: [0.5, 0.5], other: 0, missing: 0 }),
  ColumnBinner.feature('charges', { kind: 'numeric', edges: [], shares: [1], missing: 0 }),
];
const offsets = [0, 6, 12, 16];
const values: unknown[] = [undefined, null, '', 0, 1, 5.5, 5.6, 12, 40, 41, -Infinity, Infinity, Number.NaN, '5.5', ' 7 ', 'x', '1', 1, true, false, 'basic', 'pro', 'gold', 'q"\\\u2028}; throw 1; //', {}, [], [3], '__proto__', 'constructor'];

describe('rowBinner', () => {
  it('bins every field of a row as ColumnBinner.bin does, for values of any type and odd names and categories', () => {
    const binRow = rowBinner(columns, offsets);
    const bins = new Uint32Array(columns.length);
    let rows = 0;
    for (const a of values)
      for (const b of values) {
        const row: Record<string, unknown> = { tenure: a, plan: b, 'odd "name"\n': a, charges: b };
        binRow(row, bins);
        expect(Array.from(bins)).toEqual(columns.map((column, c) => (offsets[c] as number) + column.bin(row[column.name])));
        rows++;
      }
    binRow({}, bins);
    expect(Array.from(bins)).toEqual(columns.map((column, c) => (offsets[c] as number) + column.bin(undefined)));
    // The comparison means something: values land in different bins, a category listed twice in its last place.
    binRow({ tenure: 5.6, plan: 'basic', 'odd "name"\n': 'q"\\\u2028}; throw 1; //', charges: 3 }, bins);
    expect(Array.from(bins)).toEqual([2, 6 + 3, 12 + 0, 16 + 0]);
    expect(rows).toBe(values.length ** 2);
  });
});
