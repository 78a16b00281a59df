/** @module Reads a fixed list of fields of a row in one generated function: the hot paths' way to read a row (drift monitor, row encoder). */

/**
 * A function that copies the named fields of a row into `out`, in order. Generated, with each name
 * a string literal, because `row[name]` with a varying `name` is a megamorphic keyed load: reading
 * 17 fields that way cost ~13× as much as named loads (bench/drift.mjs; docs/BENCHMARKS.md, "drift").
 * The names are JSON-quoted, so a column name cannot inject code.
 */
export function fieldReader(names: readonly string[]): (row: Readonly<Record<string, unknown>>, out: unknown[]) => void {
  const body = names.map((name, i) => `out[${i}] = row[${JSON.stringify(name)}];`).join('\n');
  return new Function('row', 'out', body) as (row: Readonly<Record<string, unknown>>, out: unknown[]) => void;
}
