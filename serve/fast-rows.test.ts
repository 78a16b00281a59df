import { describe, expect, it } from 'vitest';
import { customerTable } from '../stages/lib/customer-table.js';
import { featureSchema } from '../stages/lib/feature-schema.js';
import { seededRandom, type Random } from '../stages/lib/seeded-random.js';
import { churnRows } from '../test/helpers/churn-rows.js';
import { exactly } from '../test/helpers/exactly.js';
import { mutate } from '../test/helpers/mutate-bytes.js';
import { fastRows, generateReader } from './fast-rows.js';
import type { FeatureSchema } from './model/index.js';

/** JSON.parse of the body's text as the service reads it (a leading BOM dropped), or undefined when it throws. */
function parsed(bytes: Buffer): unknown {
  try {
    return JSON.parse(bytes.toString('utf8', bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0)) as unknown;
  } catch {
    return undefined;
  }
}

const SCHEMA: FeatureSchema = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  type: 'object',
  properties: { id: { type: 'string' }, plan: { enum: ['basic', 'plus', 'café', 'a"b', null] }, x: { type: ['number', 'null'] }, on: { type: 'boolean' } },
  required: ['id', 'x'],
};
const reader = generateReader(SCHEMA);
const row = (fields: { id?: string; plan?: string; x?: string; on?: string } = {}) =>
  `{"id":${fields.id ?? '"c-1"'},"plan":${fields.plan ?? '"plus"'},"x":${fields.x ?? '1.5'},"on":${fields.on ?? 'true'}}`;

/** The reader gives exactly JSON.parse's value for `text` as one row and as a batch of it. */
function expectSame(text: string) {
  const one = Buffer.from(text);
  const batch = Buffer.from(`[${text},${text}]`);
  expect(reader.row(one), text).not.toBeUndefined();
  expect(exactly(reader.row(one)), text).toBe(exactly(parsed(one)));
  expect(exactly(reader.rows(batch)), text).toBe(exactly(parsed(batch)));
}

describe('fastRows', () => {
  it("reads the churn example's 1,000-row batch (compact, indented, after a BOM) exactly as JSON.parse does", () => {
    const schema = featureSchema(customerTable);
    const rows = churnRows(1000);
    expect(rows.some((r) => r.tech_support === null) && rows.some((r) => r.monthly_charges === null)).toBe(true);
    for (const text of [JSON.stringify(rows), JSON.stringify(rows, null, 2), `\r\n\t ${JSON.stringify(rows, null, '\t')} \n`]) {
      for (const body of [Buffer.from(text), Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text)])]) {
        const got = fastRows(schema).rows(body);
        expect(got).toHaveLength(1000);
        expect(exactly(got)).toBe(exactly(parsed(body)));
      }
    }
  });

  it("says whether a body's first row is one it reads (after a BOM, whitespace, an opening bracket), whatever follows", () => {
    const schema = featureSchema(customerTable);
    const [row, next] = churnRows(2) as [Record<string, unknown>, Record<string, unknown>];
    const reader = fastRows(schema);
    const reversed = Object.fromEntries(Object.entries(row).reverse());
    for (const text of [`[${JSON.stringify(row)}]`, `\ufeff \n[ ${JSON.stringify(row, null, 1)}, {"broken"`, `${JSON.stringify(row)}\n${JSON.stringify(reversed)}\n`, `\n\n${JSON.stringify(row)}`])
      expect(reader.first(Buffer.from(text)), text).toBe(true);
    for (const text of [`[${JSON.stringify(reversed)},${JSON.stringify(next)}]`, `[[${JSON.stringify(row)}]]`, `[${JSON.stringify({ ...row, extra: 1 })}]`, '', '[', '[]', `[${JSON.stringify(row).slice(0, -1)}`])
      expect(reader.first(Buffer.from(text)), text).toBe(false);
  });

  it('is generated once per schema: the same names and enum members in the same order', () => {
    expect(fastRows(SCHEMA)).toBe(fastRows(SCHEMA));
    expect(fastRows({ ...SCHEMA })).toBe(fastRows(SCHEMA));
    expect(fastRows({ ...SCHEMA, properties: { ...SCHEMA.properties, plan: { enum: ['basic'] } } })).not.toBe(fastRows(SCHEMA));
    const { plan, ...rest } = SCHEMA.properties;
    expect(fastRows({ ...SCHEMA, properties: { plan: plan ?? {}, ...rest } })).not.toBe(fastRows(SCHEMA));
    // By content, the last few only: after eight other schemas, a copy gets a reader of its own.
    const first = fastRows(SCHEMA);
    for (let i = 0; i < 8; i++) fastRows({ ...SCHEMA, properties: { [`p${i}`]: {} } });
    expect(fastRows({ ...SCHEMA })).not.toBe(first);
    expect(fastRows(SCHEMA)).toBe(first);
  });

  it.each([
    '0', '-0', '-0.0', '0e0', '-0e-5', '1e21', '1e-7', '5e-324', '2.2250738585072014e-308', '1.7976931348623157e308', '0.30000000000000004',
    '123456789012345678901234567890', '9007199254740991', '9007199254740992', '9007199254740993', '-9007199254740993', '1E5', '1e+5', '1e-5',
    '1e22', '1e23', '1e-22', '1e-23', '100000000000000000000000', '4.35', '0.1', '123.456e2', '0.000001', '3.141592653589793238462643383279',
    '1e400', '-1e400', '1e-400', '1.5E-0', '72', '45.85', '0.0000000000000000000000000001', '1e00000000000000000000000000000000005',
  ])('converts the number %s as JSON.parse does, bit for bit', (number) => {
    expectSame(row({ x: number }));
  });

  it('converts a number whose exponent has six digits or more beside as many fraction digits as JSON.parse does', () => {
    // 0.(99,999 zeros)5e1000000 is 5e900000, Infinity; an exponent read only up to 100,000 once made it 5 × 10^0, 5.
    const zeros = (n: number) => '0'.repeat(n);
    for (const [what, number] of [
      ['0.(99,999 zeros)5e1000000', `0.${zeros(99_999)}5e1000000`],
      ['-0.(100,021 zeros)5E+1234567', `-0.${zeros(100_021)}5E+1234567`],
      ['0.(99,999 zeros)5e100000', `0.${zeros(99_999)}5e100000`],
      ['0.(100,000 zeros)5e100000', `0.${zeros(100_000)}5e100000`],
      ['1e-99999999', '1e-99999999'],
      ['-1e-1000000', '-1e-1000000'],
    ]) {
      const one = Buffer.from(row({ x: number }));
      const batch = Buffer.from(`[${row({ x: number })}]`);
      expect(reader.row(one), what).not.toBeUndefined();
      expect(exactly(reader.row(one)), what).toBe(exactly(parsed(one)));
      expect(exactly(reader.rows(batch)), what).toBe(exactly(parsed(batch)));
    }
  });

  it.each([
    ['non-ASCII', '"Zürich ☃ 東京"'],
    ['a 4-byte character', '"😀 ok"'],
    ['U+2028 and U+2029', '"a\u2028b\u2029c"'],
    ['the empty string', '""'],
    ['DEL and spaces', '"\u007f a  b "'],
    ['an enum member with a multi-byte character', '"café"'],
    ['a string that is not a member', '"gold"'],
    ['a prefix of a member', '"bas"'],
    ['null in an enum field', 'null'],
    ['a number in an enum field', '7'],
  ])('reads %s as JSON.parse does', (_what, value) => {
    expectSame(row({ plan: value }));
    expectSame(row({ id: value }));
  });

  it('reads the values of an enum of many members (scanned, then compared by length) and of few (compared where they start) as JSON.parse does', () => {
    const many = ['a', 'ab', 'abc', 'b', 'No', 'No phone service', 'Yes', 'café', '', 'xyzw', 'xyzwv', 'Month-to-month', 'One year'];
    for (const members of [many, many.slice(0, 8), ['No', 'No phone service']]) {
      const wide = generateReader({ ...SCHEMA, properties: { plan: { enum: members }, x: { type: 'number' } } });
      for (const value of [...members, 'ab ', 'abcd', 'N', 'No ', 'No phone servic', 'Yess', 'cafe', 'xyz', 'One yea', 'One years', 'zzzzzzzzzzzzzzzz']) {
        for (const text of [`{"plan":${JSON.stringify(value)},"x":1}`, `{"plan" : ${JSON.stringify(value)} ,"x":1}`]) {
          const body = Buffer.from(`[${text},${text}]`);
          const got = wide.rows(body);
          expect(got, text).not.toBeUndefined();
          expect(exactly(got), text).toBe(exactly(parsed(body)));
        }
      }
      // At the very end of a body, a member cut short, and one with an escape, are left to JSON.parse.
      expect(wide.row(Buffer.from('{"plan":"No'))).toBeUndefined();
      expect(wide.row(Buffer.from('{"plan":"N\\u006f","x":1}'))).toBeUndefined();
    }
  });

  it('reads a row that leaves out keys the schema does not require, with only the keys it has, as JSON.parse does', () => {
    for (const text of ['{"id":"c-1","x":1.5}', '{"id":"c-1","plan":"plus","x":1.5}', '{"id":"c-1","x":1.5,"on":true}', '{ "id" : "c-1" , "x" : null }', '{"id":"c-1","plan":null,"x":1.5}', '{"id":"c-1","x":0,"on":false}']) {
      const got = reader.row(Buffer.from(text));
      expect(got, text).not.toBeUndefined();
      expect(exactly(got), text).toBe(exactly(JSON.parse(text)));
      expect(exactly(reader.rows(Buffer.from(`[${text},${row()}]`)))).toBe(exactly(JSON.parse(`[${text},${row()}]`)));
    }
    expect(Object.keys(reader.row(Buffer.from('{"id":"c-1","x":1.5}')) as object)).toEqual(['id', 'x']);
    // With no key required, an empty object is a row; a missing comma is not, wherever a key was left out.
    const loose = generateReader({ ...SCHEMA, required: [] });
    for (const text of ['{}', '{ }', '{"x":1}', '{"on":true}']) expect(exactly(loose.rows(Buffer.from(`[${text}]`))), text).toBe(exactly(JSON.parse(`[${text}]`)));
    for (const text of ['{"id":"c-1" "x":1.5}', '{"id":"c-1","x":1.5 "on":true}', '{,"x":1}', '{"x":1,,"on":true}']) {
      expect(reader.row(Buffer.from(text)), text).toBeUndefined();
      expect(loose.row(Buffer.from(text)), text).toBeUndefined();
    }
    // A schema with no properties (not a model's, but generateReader takes any).
    expect(generateReader({ ...SCHEMA, properties: {}, required: [] }).rows(Buffer.from('[{}]'))).toEqual([{}]);
  });

  it('reads true, false and null anywhere, and whitespace wherever JSON allows it', () => {
    expectSame(row({ on: 'false', x: 'null', id: 'true' }));
    expectSame(' \t\r\n{ "id" : "a" ,\n\t"plan"\r:\r"pro", "x":-1 ,"on" : false\n} \n');
    const batch = Buffer.from('\n[\n\t{"id":"a","plan":"basic","x":1,"on":true}\r\n,\t{"id":"b","plan":null,"x":2,"on":null}\n]\n');
    expect(exactly(reader.rows(batch))).toBe(exactly(parsed(batch)));
    expect(reader.rows(Buffer.from(' [ ] '))).toEqual([]);
  });

  it.each([
    ['an escape in a string', row({ id: '"a\\nb"' })],
    ['an escaped quote (even one naming an enum member)', row({ plan: '"a\\"b"' })],
    ['an escaped key', row().replace('"plan"', '"pl\\u0061n"')],
    ['a control character in a string', row({ id: '"a\tb"' })],
    ['a nested object', row({ x: '{"y":1}' })],
    ['a nested array', row({ x: '[1]' })],
    ['keys in another order', '{"plan":"plus","id":"c-1","x":1.5,"on":true}'],
    ['a missing required key', '{"plan":"plus","x":1.5,"on":true}'],
    ['a missing required key after an optional one left out', '{"id":"c-1","on":true}'],
    ['a key twice', '{"id":"c-1","plan":"plus","plan":"basic","x":1.5,"on":true}'],
    ['a key the schema does not have, where an optional one could be', '{"id":"c-1","more":1,"x":1.5,"on":true}'],
    ['a comma before the closing brace', '{"id":"c-1","x":1.5,}'],
    ['an extra key', '{"id":"c-1","plan":"plus","x":1.5,"on":true,"more":1}'],
    ['a duplicate key', '{"id":"c-1","id":"c-2","plan":"plus","x":1.5,"on":true}'],
    ['a trailing comma in the object', row().replace(/}$/, ',}')],
    ['a leading zero', row({ x: '01' })],
    ['a leading plus', row({ x: '+1' })],
    ['.5', row({ x: '.5' })],
    ['1.', row({ x: '1.' })],
    ['-', row({ x: '-' })],
    ['1e', row({ x: '1e' })],
    ['1e+', row({ x: '1e+' })],
    ['-.5', row({ x: '-.5' })],
    ['NaN', row({ x: 'NaN' })],
    ['Infinity', row({ x: 'Infinity' })],
    ['a hex number', row({ x: '0x10' })],
    ['nul', row({ x: 'nul' })],
    ['True', row({ on: 'True' })],
    ['a single-quoted string', row({ id: "'a'" })],
    ['invalid UTF-8 (a lone continuation byte)', row({ id: '"a\udc80b"' })],
    ['a literal U+FFFD, which invalid UTF-8 would also have given', row({ id: '"a\ufffdb"' })],
    ['a truncated body', row().slice(0, -1)],
    ['an unterminated string', '{"id":"c-1'],
    ['a body that ends inside a key', '{"id":"c-1","pl'],
    ['trailing garbage', `${row()} x`],
    ['two values', `${row()}${row()}`],
    ['an empty body', ''],
    ['whitespace only', ' \n'],
  ])('leaves %s to JSON.parse', (_what, text) => {
    const bytes = (t: string) => (t.includes('\udc80') ? Buffer.from(t.replace('\udc80', '\u0080'), 'latin1') : Buffer.from(t));
    expect(reader.row(bytes(text))).toBeUndefined();
    expect(reader.rows(bytes(`[${row()},${text}]`))).toBeUndefined();
  });

  it.each([
    ['a trailing comma', `[${row()},]`],
    ['a missing comma', `[${row()}${row()}]`],
    ['an unclosed array', `[${row()}`],
    ['a value after the array', `[${row()}] []`],
    ['a row that is not an object', `[${row()},1]`],
    ['a BOM after whitespace', ` \ufeff[${row()}]`],
    ['two BOMs', `\ufeff\ufeff[${row()}]`],
  ])('leaves a batch with %s to JSON.parse', (_what, text) => {
    expect(reader.rows(Buffer.from(text))).toBeUndefined();
  });

  it('declines a schema too wide for its row function to be optimised soon (V8 never compiles one of over 60 KB of bytecode), so JSON.parse reads it', () => {
    // 18 columns (the churn example) and 40 are read, 60 not (60-112 compiled only after 350-650 ms of calls); at ~130 columns of names like these the row function passed V8's
    // --max-optimized-bytecode-size (61,440) and ran interpreted for good: ~2x JSON.parse's time a batch, and the warm-up
    // ran out its budget on every load, each 64-row call holding the loop 10-50 ms (300 columns) or more.
    const wide = (width: number): FeatureSchema => ({
      ...SCHEMA,
      properties: Object.fromEntries(Array.from({ length: width }, (_, i) => [`feature_${i}`, i % 2 === 0 ? { enum: ['No', 'Yes'] } : { type: 'number' }])),
    });
    const body = (width: number) => Buffer.from(`[{${Array.from({ length: width }, (_, i) => `"feature_${i}":${i % 2 === 0 ? '"Yes"' : '1.5'}`).join(',')}}]`);
    expect(generateReader(wide(40)).rows(body(40))).toHaveLength(1);
    for (const width of [60, 150, 300, 1000]) expect(generateReader(wide(width)).rows(body(width)), `${width} columns`).toBeUndefined();
  });

  it("makes an own __proto__ key as JSON.parse does, and declines a schema whose names cannot be compared as bytes", () => {
    // Parsed, since an object literal's __proto__ would set the prototype of `properties` instead.
    const properties = JSON.parse('{"__proto__":{"type":"number"},"b":{}}') as FeatureSchema['properties'];
    expect(Object.keys(properties)).toEqual(['__proto__', 'b']);
    const proto = generateReader({ ...SCHEMA, properties });
    // Every key, and (both optional here) rows that leave one out, built by stores.
    for (const body of ['{"__proto__":1,"b":2}', '{"__proto__":1}', '{"__proto__":null}', '{"b":2}']) {
      const text = Buffer.from(body);
      expect(proto.row(text), body).not.toBeUndefined();
      expect(exactly(proto.row(text)), body).toBe(exactly(parsed(text)));
      expect(Object.getPrototypeOf(proto.row(text))).toBe(Object.prototype);
    }
    for (const name of ['a"b', 'a\\b', 'tab\t', '\ud800']) {
      const odd = generateReader({ ...SCHEMA, properties: { [name]: {} } });
      expect(odd.row(Buffer.from(`{${JSON.stringify(name)}:1}`))).toBeUndefined();
      expect(odd.row(Buffer.from(`{"${name}":1}`))).toBeUndefined();
    }
  });
});

/** A random JSON-ish text for one value: mostly what the fast path reads, some of it not JSON or not the fast path's. */
function randomValue(r: Random): string {
  const pick = <T>(items: readonly T[]) => items[r.int(0, items.length - 1)] as T;
  const digits = (n: number) => Array.from({ length: n }, () => String(r.int(0, 9))).join('');
  switch (r.int(0, 9)) {
    case 0:
    case 1:
    case 2: {
      const mantissa = pick(['0', '-0', `${r.int(1, 9)}${digits(r.int(0, 20))}`, `-${r.int(1, 9)}${digits(r.int(0, 8))}`, digits(r.int(1, 3))]);
      const fraction = r.bernoulli(0.5) ? `.${digits(r.int(0, 20))}` : '';
      const exponent = r.bernoulli(0.3) ? `${pick(['e', 'E'])}${pick(['', '+', '-'])}${digits(r.int(0, 3))}` : '';
      return `${mantissa}${fraction}${exponent}`;
    }
    case 3:
      return String(pick([r.next(), -r.next() * 1e6, r.normal(0, 1e30), r.next() * 1e-300, Math.fround(r.next()), r.int(0, 2 ** 31)]));
    case 4:
    case 5: {
      const plain = ['a', 'Z', ' ', '0', 'é', '東', '😀', '\u2028', '\u007f', '/'];
      const alphabet = r.bernoulli(0.8) ? plain : [...plain, '"', '\\', '\\n', '\\u0041', '\t', '\u0001', '\ufffd'];
      return `"${Array.from({ length: r.int(0, 6) }, () => pick(alphabet)).join('')}"`;
    }
    case 6:
      return pick(['"basic"', '"plus"', '"café"', '"a\\"b"', '"pro"', '"Basic"']);
    case 7:
      return pick(['null', 'true', 'false', 'nul', 'truee', '[]', '{}', '[1,{"a":2}]']);
    default:
      return pick(['"c-1"', '12.5', 'null', '0']);
  }
}

function randomSpace(r: Random): string {
  return r.bernoulli(0.8) ? '' : Array.from({ length: r.int(1, 3) }, () => [' ', '\t', '\n', '\r'][r.int(0, 3)]).join('');
}

function randomRow(r: Random): string {
  let keys = ['id', 'plan', 'x', 'on'];
  if (r.bernoulli(0.05)) keys = r.shuffle([...keys]);
  if (r.bernoulli(0.03)) keys.splice(r.int(0, keys.length - 1), 1);
  if (r.bernoulli(0.03)) keys.splice(r.int(0, keys.length), 0, ['id', 'extra'][r.int(0, 1)] as string);
  const s = () => randomSpace(r);
  return `${s()}{${keys.map((key) => `${s()}"${key}"${s()}:${s()}${randomValue(r)}${s()}`).join(',')}}${s()}`;
}

/** The bytes a mutation puts in: each one the reader treats specially. */
const ROW_BYTES = [0x22, 0x2c, 0x5d, 0x7d, 0x30, 0x2e, 0x5c, 0x80, 0x20, 0x00];

describe('fastRows against JSON.parse, on random rows', () => {
  it('never gives a value JSON.parse would not, and reads most plain rows itself', () => {
    const r = seededRandom(16);
    let read = 0;
    let bodies = 0;
    for (let i = 0; i < 4000; i++) {
      const rows = Array.from({ length: r.int(1, 4) }, () => randomRow(r));
      let batch: Buffer = Buffer.from(`${r.bernoulli(0.05) ? '\ufeff' : ''}${randomSpace(r)}[${rows.join(',')}]${randomSpace(r)}`);
      let one: Buffer = Buffer.from(rows[0] as string);
      if (r.bernoulli(0.3)) [batch, one] = [mutate(r, batch, ROW_BYTES), mutate(r, one, ROW_BYTES)];
      for (const [body, got] of [
        [batch, reader.rows(batch)],
        [one, reader.row(one)],
      ] as const) {
        bodies++;
        if (got === undefined) continue;
        read++;
        const expected = parsed(body);
        expect(expected, body.toString()).not.toBeUndefined();
        expect(exactly(got), body.toString()).toBe(exactly(expected));
      }
    }
    // Most rows are plain; if the reader declined them all, the comparison above would prove nothing.
    expect(read / bodies).toBeGreaterThan(0.2);
  });

  it('converts random numbers of every size exactly', () => {
    const r = seededRandom(2053);
    const texts: string[] = [];
    const bits = new Float64Array(1);
    const words = new Uint32Array(bits.buffer);
    for (let i = 0; i < 3000; i++) {
      words[0] = r.int(0, 2 ** 32 - 1);
      words[1] = r.int(0, 2 ** 32 - 1);
      if (Number.isFinite(bits[0])) texts.push(String(bits[0]));
      texts.push(String(r.int(0, 2 ** 31) / 100), (r.next() * 10 ** r.int(-30, 30)).toPrecision(r.int(1, 21)));
    }
    const body = Buffer.from(`[${texts.map((x) => row({ x })).join(',')}]`);
    expect(exactly(reader.rows(body))).toBe(exactly(parsed(body)));
  });
});
