/**
 * @module The bins of one served row's features in one generated function: each field a named
 * load, each column's binning inlined (a `switch` over a category's values, a binary search over a
 * numeric's edges). Calling ColumnBinner.bin once per feature cost ~28 ns a column, the drift
 * monitor ~10 % of a 1,000-row batch's CPU; row-binner.test.ts holds the two equal.
 */
import { binIndex } from '../model/index.js';
import { ownFieldSource } from '../model/own-field.js';
import type { ColumnBinner } from './column-binner.js';

/** Writes into `bins[c]` the bin of `row[columns[c].name]` plus `offsets[c]`, for every column. */
export type RowBinner = (row: Readonly<Record<string, unknown>>, bins: Uint32Array) => void;

export function rowBinner(columns: readonly ColumnBinner[], offsets: ArrayLike<number>): RowBinner {
  const K: unknown[] = [];
  const k = (value: unknown) => `K[${K.push(value) - 1}]`;
  const lines = ['let v, x, b;'];
  columns.forEach((column, c) => lines.push(`v = ${ownFieldSource('row', column.name)};`, column.binSource(k), `bins[${c}] = ${offsets[c] as number} + b;`));
  const make = new Function('K', 'binIndex', `return function binRow(row, bins) {\n${lines.join('\n')}\n};`) as (k: unknown[], f: typeof binIndex) => RowBinner;
  return make(K, binIndex);
}
