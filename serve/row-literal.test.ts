import { describe, expect, it } from 'vitest';
import { literalBuilder } from './row-literal.js';

type Make = (values: readonly unknown[]) => Record<string, unknown>;
const build = (names: readonly string[]) => literalBuilder<Make>('test', names, ['v'], (c) => `v[${c}]`);

/** What stores in order into `{}` make: the meaning a literal must keep. */
function stored(names: readonly string[], values: readonly unknown[]): Record<string, unknown> {
  const row: Record<string, unknown> = {};
  names.forEach((name, c) => (row[name] = values[c]));
  return row;
}

const shown = (row: object) => [Object.getPrototypeOf(row), Object.entries(row)];

describe('literalBuilder', () => {
  it('makes the object stores in order make, for any names: twice, integer-like, __proto__, quotes, backslashes, U+2028, code-like', () => {
    const names = ['b', '10', 'a', '2', 'b', '__proto__', 'x"y', 'back\\slash', 'line\u2028sep', '}; throw 1; ({', '${x}', 'constructor'];
    for (const proto of ['ignored', null, { p: 1 }]) {
      const values = names.map((name, c) => (name === '__proto__' ? proto : `${name}:${c}`));
      const make = build(names) as Make;
      expect(make).toBeTypeOf('function');
      expect(shown(make(values))).toEqual(shown(stored(names, values)));
    }
  });

  it('leaves __proto__ given twice to the stores (a literal may not have it twice), which set the prototype twice', () => {
    const names = ['a', '__proto__', 'b', '__proto__'];
    expect(build(names)).toBeUndefined();
    expect(build(['a', '__proto__', 'b'])).toBeTypeOf('function');
  });

  it('generates nothing for names whose source would pass ~15K characters (long names, or many), so callers store value by value', () => {
    expect(build(['a'.repeat(14_000)])).toBeTypeOf('function');
    expect(build(['a'.repeat(16_000)])).toBeUndefined();
    // A control character is written \u0001 in the source: 2,600 of them make ~15.6K characters from 2.6K of names.
    expect(build(['\u0001'.repeat(2_600)])).toBeUndefined();
    expect(build(Array.from({ length: 3_000 }, (_, i) => `c${i}`))).toBeUndefined();
    expect(build(Array.from({ length: 600 }, (_, i) => `c${i}`))).toBeTypeOf('function');
  });

  it('keeps a bounded number of builders and makes a dropped one again, the same', () => {
    const first = build(['k0', 'x']);
    for (let i = 1; i < 40; i++) expect(shown((build([`k${i}`, 'x']) as Make)([i, 'v']))).toEqual(shown({ [`k${i}`]: i, x: 'v' }));
    const again = build(['k0', 'x']) as Make;
    expect(again).not.toBe(first);
    expect(again([0, 'v'])).toEqual({ k0: 0, x: 'v' });
    expect(build(['k39', 'x'])).toBe(build(['k39', 'x']));
    // Kinds are apart: the same names with another shape of params is another builder.
    expect(literalBuilder<Make>('other', ['k39', 'x'], ['v'], (c) => `v[${c}]`)).not.toBe(build(['k39', 'x']));
  });
});
