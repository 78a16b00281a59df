import { describe, expect, it } from 'vitest';
import { customerTable } from '../stages/lib/customer-table.js';
import { featureSchema } from '../stages/lib/feature-schema.js';
import { seededRandom, type Random } from '../stages/lib/seeded-random.js';
import { churnRows } from '../test/helpers/churn-rows.js';
import { exactly } from '../test/helpers/exactly.js';
import { mutate } from '../test/helpers/mutate-bytes.js';
import { ndjsonRows } from './batch-input.js';
import { fastRows, generateReader } from './fast-rows.js';
import type { FeatureSchema } from './model/index.js';
import { RequestProblem } from './request-problem.js';

/** What the old path gives for an NDJSON body: ndjsonRows' rows, or undefined for its 400 (a line that is not JSON). */
function old(body: Buffer): unknown[] | undefined {
  try {
    return ndjsonRows(body);
  } catch (error) {
    expect(error).toBeInstanceOf(RequestProblem);
    return undefined;
  }
}

const SCHEMA: FeatureSchema = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  type: 'object',
  properties: { id: { type: 'string' }, plan: { enum: ['basic', 'plus', 'café', null] }, x: { type: ['number', 'null'] }, on: { type: 'boolean' } },
  required: ['id', 'x'],
};
const reader = generateReader(SCHEMA);
const ROW = '{"id":"c-1","plan":"plus","x":1.5,"on":true}';
const BOM = '\ufeff';

/** `lines` reads `text` itself, and exactly as ndjsonRows does. */
function expectRead(text: string) {
  const body = Buffer.from(text);
  const got = reader.lines(body);
  expect(got, JSON.stringify(text)).not.toBeUndefined();
  expect(exactly(got), JSON.stringify(text)).toBe(exactly(old(body)));
}

describe('fastRows(schema).lines', () => {
  it("reads the churn example's 1,000 rows as ndjsonRows does: \\n or \\r\\n between them, with and without a last one, after a BOM", () => {
    const schema = featureSchema(customerTable);
    const rows = churnRows(1000);
    for (const separator of ['\n', '\r\n']) {
      for (const end of ['', separator]) {
        for (const start of ['', BOM]) {
          const body = Buffer.from(`${start}${rows.map((row) => JSON.stringify(row)).join(separator)}${end}`);
          const got = fastRows(schema).lines(body);
          expect(got, JSON.stringify([separator, end, start])).toHaveLength(1000);
          expect(exactly(got)).toBe(exactly(old(body)));
          expect(exactly(got)).toBe(exactly(rows));
        }
      }
    }
  });

  it.each([
    ['one row', ROW],
    ['empty lines between rows and at the end', `\n${ROW}\n\n\n${ROW}\n\n`],
    ['lines of spaces, tabs and CRs alone', ` \t\r\n${ROW}\n\r\n\t\n${ROW}\n   `],
    ['spaces, tabs and CRs around an object and inside it', ` \t${ROW} \r\n\r{ "id" :\t"c-2",\r"plan":null , "x":-0 ,"on":false }\t\r`],
    ['a BOM, then a blank line', `${BOM}\n${ROW}`],
    ['non-ASCII and U+2028 inside a string', ROW.replace('"c-1"', '"Zürich\u2028東京 😀"')],
    ['an empty body (ndjsonRows gives no rows; batchRows then says the batch is empty)', ''],
    ['blank lines only', ' \n\r\n\t'],
    ['a BOM only', BOM],
    ['rows that leave out keys the schema does not require', `{"id":"c-1","x":1.5}\n{"id":"c-2","plan":"basic","x":null}\n{ "id" : "c-3" , "x" : 2 , "on" : true }\n`],
  ])('reads %s', (_what, text) => {
    expectRead(text);
  });

  it.each([
    ['an object across two lines', `${ROW}\n{"id":"c-1",\n"plan":"plus","x":1.5,"on":true}`],
    ['two objects on one line', `${ROW}${ROW}`],
    ['two objects on one line, a comma between', `${ROW},${ROW}`],
    ['rows separated by a CR alone', `${ROW}\r${ROW}`],
    ['a truncated last line', `${ROW}\n${ROW.slice(0, -1)}`],
    ['U+00A0 before an object', `\u00a0${ROW}`],
    ['a BOM on the second line, before an object', `${ROW}\n${BOM}${ROW}`],
    ['a BOM after whitespace', ` ${BOM}${ROW}`],
  ])('leaves %s to ndjsonRows, which names the line that is not JSON', (_what, text) => {
    expect(old(Buffer.from(text))).toBeUndefined();
    expect(reader.lines(Buffer.from(text))).toBeUndefined();
  });

  it.each([
    ['a number on a line', `${ROW}\n1`],
    ['null on a line', `${ROW}\nnull`],
    ['a string on a line', `${ROW}\n"a"`],
    ['a JSON array on a line', `[${ROW}]`],
    ['a line of U+00A0 alone', `${ROW}\n\u00a0\n${ROW}`],
    ['a line of a BOM alone', `${ROW}\n${BOM}\n${ROW}`],
    ['two BOMs, the second a line alone', `${BOM}${BOM}\n${ROW}`],
    ['a line of U+2028 alone', `${ROW}\n\u2028`],
    ['a line of a vertical tab', `${ROW}\n\u000b`],
    ['a line of a form feed', `\u000c\n${ROW}`],
    ['a line of U+3000', `${ROW}\n\u3000`],
    ['keys in another order', '{"plan":"plus","id":"c-1","x":1.5,"on":true}'],
    ['a missing required key', '{"plan":"plus","x":1.5,"on":true}'],
    ['an extra key', '{"id":"c-1","plan":"plus","x":1.5,"on":true,"more":1}'],
    ['an escape in a string', ROW.replace('"c-1"', '"c\\u002d1"')],
    ['a nested value', ROW.replace('1.5', '[1.5]')],
  ])('leaves %s to ndjsonRows, which reads it (a line trim() blanks is skipped; a value that is no row is for the validator to name)', (_what, text) => {
    expect(old(Buffer.from(text))).not.toBeUndefined();
    expect(reader.lines(Buffer.from(text))).toBeUndefined();
  });

  it('leaves invalid UTF-8 in a string to ndjsonRows (which reads it as U+FFFD), and a literal U+FFFD too', () => {
    const bad = Buffer.concat([Buffer.from(`${ROW}\n{"id":"c`), Buffer.from([0xff]), Buffer.from('1","plan":"plus","x":1.5,"on":true}')]);
    expect(old(bad)).toHaveLength(2);
    expect(reader.lines(bad)).toBeUndefined();
    expect(reader.lines(Buffer.from(ROW.replace('c-1', 'c\ufffd1')))).toBeUndefined();
  });
});

/** A random value for a field: mostly one the reader reads, some it declines, some not JSON. */
function randomValue(r: Random): string {
  const pick = <T>(items: readonly T[]) => items[r.int(0, items.length - 1)] as T;
  switch (r.int(0, 8)) {
    case 0:
    case 1:
    case 2:
      return String(pick([r.int(-100, 100), r.next() * 1e3, r.normal(0, 1e30), -0, 5e-324, 1e21]));
    case 3: {
      const alphabet = ['a', ' ', 'é', '東', '😀', '\u2028', '\u00a0', '\ufeff', ...(r.bernoulli(0.2) ? ['"', '\\', '\\n', '\\u0041', '\t', '\ufffd'] : [])];
      return `"${Array.from({ length: r.int(0, 5) }, () => pick(alphabet)).join('')}"`;
    }
    case 4:
      return pick(['"basic"', '"plus"', '"café"', '"pro"']);
    case 5:
      return pick(['null', 'true', 'false']);
    case 6:
      return pick(['0', '-0.0', '1e5', '1E-2', '01', '.5', '-', '1.', 'nul', '[]', '{}']);
    default:
      return pick(['"c-1"', '12.5', 'null']);
  }
}

/** Whitespace JSON.parse allows within a line, now and then a line feed (which cuts the line for ndjsonRows). */
function randomSpace(r: Random): string {
  if (r.bernoulli(0.85)) return '';
  return Array.from({ length: r.int(1, 3) }, () => (r.bernoulli(0.02) ? '\n' : ([' ', '\t', '\r'][r.int(0, 2)] as string))).join('');
}

function randomObject(r: Random): string {
  let keys = ['id', 'plan', 'x', 'on'];
  if (r.bernoulli(0.05)) keys = r.shuffle([...keys]);
  if (r.bernoulli(0.03)) keys.splice(r.int(0, keys.length - 1), 1);
  if (r.bernoulli(0.03)) keys.splice(r.int(0, keys.length), 0, ['id', 'extra'][r.int(0, 1)] as string);
  const s = () => randomSpace(r);
  return `{${keys.map((key) => `${s()}"${key}"${s()}:${s()}${randomValue(r)}${s()}`).join(',')}}`;
}

/** Blank to trim(); only the first four are JSON whitespace. */
const BLANKS = ['', ' ', '\t', '\r', '\u00a0', BOM, '\u2028', '\u000b', '\u000c', '\u3000'];

/** One line of a body: mostly a row, some blank, some not one object. */
function randomLine(r: Random): string {
  const pick = <T>(items: readonly T[]) => items[r.int(0, items.length - 1)] as T;
  const space = () => (r.bernoulli(0.9) ? pick(BLANKS.slice(0, 4)) : pick(BLANKS));
  const kind = r.next();
  if (kind < 0.75) return `${r.bernoulli(0.2) ? space() : ''}${randomObject(r)}${r.bernoulli(0.2) ? space() : ''}`;
  if (kind < 0.88) return Array.from({ length: r.int(1, 2) }, space).join('');
  if (kind < 0.92) return `${randomObject(r)}${pick(['', ' ', ','])}${randomObject(r)}`;
  return pick(['1', '[]', '"s"', 'null', 'true', `[${ROW}]`, '{}', '{"id":"c-1"}']);
}

/** The bytes a mutation puts in: each one the reader treats specially. */
const LINE_BYTES = [0x0a, 0x0d, 0x20, 0x22, 0x2c, 0x7b, 0x7d, 0x5c, 0x30, 0x80, 0xff, 0xef, 0x00];

describe('fastRows(schema).lines against ndjsonRows, on random bodies', () => {
  it('never gives rows ndjsonRows would not, and reads most bodies of plain rows itself, blank lines, CRLF and a BOM too', () => {
    const r = seededRandom(7);
    const BODIES = 6000;
    let read = 0;
    let oldRead = 0;
    // What the bodies lines read had in them: if none had one of these, the comparison would prove nothing about it.
    const seen = { blankLine: 0, crlf: 0, bom: 0, lastNewline: 0, noLastNewline: 0, mutated: 0 };
    for (let i = 0; i < BODIES; i++) {
      const lines = Array.from({ length: r.int(1, 4) }, () => randomLine(r));
      const separator = r.bernoulli(0.3) ? '\r\n' : '\n';
      const last = r.bernoulli(0.5) ? separator : '';
      const bom = r.bernoulli(0.1) ? BOM : '';
      const text = `${bom}${lines.join(separator)}${last}`;
      const mutated = r.bernoulli(0.3);
      const body = mutated ? mutate(r, Buffer.from(text), LINE_BYTES) : Buffer.from(text);
      const expected = old(body);
      if (expected !== undefined) oldRead++;
      const got = reader.lines(body);
      if (got === undefined) continue;
      read++;
      expect(expected, JSON.stringify(body.toString())).not.toBeUndefined();
      expect(exactly(got), JSON.stringify(body.toString())).toBe(exactly(expected));
      if (!mutated) {
        if (lines.some((line) => line.trim() === '')) seen.blankLine++;
        if (separator === '\r\n' && lines.length > 1) seen.crlf++;
        if (bom !== '') seen.bom++;
        if (last !== '') seen.lastNewline++;
        else seen.noLastNewline++;
      } else seen.mutated++;
    }
    // 1,206 of the 2,285 bodies ndjsonRows reads, with this seed.
    expect(read / oldRead).toBeGreaterThan(0.4);
    for (const [what, count] of Object.entries(seen)) expect(count, what).toBeGreaterThan(20);
  });
});
