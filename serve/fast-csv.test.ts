import { describe, expect, it } from 'vitest';
import { batchRows, numericColumns, parsedCsvRows } from './batch-input.js';
import { plainCsvRows } from './fast-csv.js';
import type { FeatureSchema } from './model/index.js';

const schema = {
  type: 'object',
  properties: { age: { type: 'number' }, plan: { type: 'string', enum: ['basic', 'pro'] }, visits: { type: ['integer', 'null'] }, note: { type: 'string' } },
} as unknown as FeatureSchema;
const numeric = numericColumns(schema);
const text = () => (t: string) => t;
const csvBatch = async (bytes: Buffer) => (await batchRows('text/csv', bytes, schema)).rows;

describe('CSV numbers', () => {
  it("reads a numeric column's field as a number only when JSON would (other text is left for the validator to name), by either reader", async () => {
    // Spaces and tabs around a number are padding (as before); any other text, a no-break space too, is no number.
    const numbers: [string, number][] = [['0', 0], ['-0', -0], ['12', 12], ['-12.5', -12.5], ['1e3', 1000], ['1E+2', 100], ['2.5e-3', 0.0025], ['1e400', Infinity], [' 12', 12], ['12\t ', 12], ['12\r', 12]];
    const texts = ['0x0C', '0b1100', '0o14', '- 1', '+5', '.5', '5.', '007', '1.e5', 'Infinity', '-Infinity', 'NaN', '1_000', '١٢', '\u00a012', '12\u2028'];
    for (const quoted of [false, true]) {
      const field = (v: string) => (quoted ? `"${v}"` : v);
      const body = `age,note\n${[...numbers.map(([v]) => v), ...texts].map((v) => `${field(v)},x`).join('\n')}\n`;
      const ages = (await csvBatch(Buffer.from(body))).map((row) => (row as { age: unknown }).age);
      expect(ages.slice(0, numbers.length).map((v) => (Object.is(v, -0) ? '-0' : v))).toEqual(numbers.map(([, n]) => (Object.is(n, -0) ? '-0' : n)));
      expect(ages.slice(numbers.length)).toEqual(texts);
    }
  });
});

describe('CSV line breaks', () => {
  it('reads the last number of CRLF rows under a header ended by LF (csv-parse leaves their \\r) as a number', async () => {
    expect(await csvBatch(Buffer.from('plan,age\nbasic,30\r\npro,31\r\n'))).toEqual([
      { plan: 'basic', age: 30 },
      { plan: 'pro', age: 31 },
    ]);
  });
});

describe('CSV headers', () => {
  it('refuses a header that names a column twice (a 400 naming it), where the last field would have won without a word', async () => {
    for (const body of ['age,plan,age\n1,pro,2\n', 'age,plan,age\n"1",pro,2\n', '"age",plan,"age"\r\n1,pro,2\r\n']) {
      await expect(csvBatch(Buffer.from(body)), body).rejects.toMatchObject({ status: 400, message: 'the CSV body cannot be read (the header names the column "age" twice)' });
    }
    await expect(csvBatch(Buffer.from('\ufeffage,plan,age\n1,pro,2\n'))).rejects.toMatchObject({ status: 400 });
    await expect(csvBatch(Buffer.from('age,plan,,\n1,pro,,\n'))).rejects.toMatchObject({
      status: 400,
      message: 'the CSV body cannot be read (the header has more than one column without a name (a spreadsheet export with empty columns?))',
    });
    // One column without a name, or named __proto__, is a field the model does not know, as before (the validator's to name).
    expect(await csvBatch(Buffer.from('age,plan,\n1,pro,x\n'))).toEqual([{ age: 1, plan: 'pro', '': 'x' }]);
  });
});

/** What a body gives: its rows (keys in order) or the 400's message. */
async function outcome(read: () => Promise<unknown[]>): Promise<string> {
  try {
    const rows = await read();
    return JSON.stringify(rows.map((row) => Object.entries(row as object)));
  } catch (error) {
    return `error: ${(error as Error).message}`;
  }
}

/** A seeded generator of CSV bodies, plain and not: quotes, every kind of line break, ragged lines, odd headers, BOMs, bad UTF-8. */
function* bodies(count: number, seed: number): Generator<Buffer> {
  let s = seed;
  const next = (n: number) => ((s = (s * 1103515245 + 12345) % 2 ** 31), (s >>> 8) % n);
  const pick = <T>(items: readonly T[]): T => items[next(items.length)] as T;
  const names = ['age', 'plan', 'visits', 'note', 'extra', '', '__proto__', '0', '10', 'a b', 'é', 'age'];
  const fields = ['', '1', '-0', '1e3', ' 2', '2 ', '0x10', 'Infinity', 'NaN', '.5', '5.', 'basic', 'pro', 'é', 'x\u2028y', ' ', '\t', '\u00a0'];
  const quoted = ['"q"', 'a"b', '""', '"a,b"', '"x\ny"'];
  const breaks = ['\n', '\n', '\n', '\r\n', '\r\n', '\r'];
  for (let i = 0; i < count; i++) {
    const width = 1 + next(5);
    const header = Array.from({ length: width }, (_, c) => (next(6) === 0 ? pick(names) : (['age', 'plan', 'visits', 'note', 'extra'][c] as string)));
    const mixed = next(4) === 0;
    const one = pick(breaks);
    const lines = [header.join(',')];
    const rows = next(6);
    for (let r = 0; r < rows; r++) {
      if (next(8) === 0) lines.push('');
      const w = next(10) === 0 ? width + pick([-1, 1]) : width;
      lines.push(Array.from({ length: Math.max(w, 1) }, () => (next(40) === 0 ? pick(quoted) : pick(fields))).join(','));
    }
    let body = next(8) === 0 ? '\ufeff' : '';
    if (next(8) === 0) body += one;
    body += lines.map((line) => line + (mixed ? pick(breaks) : one)).join('');
    if (next(4) === 0) body = body.slice(0, body.length - next(4));
    let bytes = Buffer.from(body);
    if (next(16) === 0) bytes = Buffer.concat([bytes, Buffer.from([0xc3])]);
    if (next(16) === 0 && bytes.length > 0) bytes[next(bytes.length)] = 0xff;
    yield bytes;
  }
}

describe('plainCsvRows', () => {
  it('reads plain bodies, with \\n or \\r\\n, a BOM, empty lines and no trailing break, as csv-parse does', async () => {
    const plain = ['age,plan,visits,note', '30,basic,,first', '41.5,pro,3,é ü', ',basic,0,', ' 7 ,pro,-0,x'];
    for (const body of [plain.join('\n'), `${plain.join('\n')}\n`, `${plain.join('\r\n')}\r\n`, `\ufeff${plain.join('\n')}\n\n`, `\n\n${plain.join('\n\n')}`]) {
      const bytes = Buffer.from(body);
      expect(plainCsvRows(bytes, text), JSON.stringify(body)).toBeDefined();
      expect(await outcome(() => csvBatch(bytes))).toBe(await outcome(() => parsedCsvRows(bytes, numeric)));
    }
    const rows = await csvBatch(Buffer.from(`${plain.join('\n')}\n`));
    expect(rows[0]).toEqual({ age: 30, plan: 'basic', visits: null, note: 'first' });
    expect(rows[3]).toEqual({ age: 7, plan: 'pro', visits: -0, note: 'x' });
  });

  it('declines what csv-parse must read or refuse: quotes, a lone or mixed \\r, ragged lines, a duplicate or empty column, __proto__, bad UTF-8', () => {
    for (const body of ['a,b\n"1",2\n', 'a,b\n1,x"y\n', 'a,b\r1,2\r', 'a,b\n1,2\r\n3,4\n', 'a,b\r\n1,2\n', 'a,b\n1\n', 'a,b\n1,2,3\n', 'a,a\n1,2\n', 'a,,b\n1,2,3\n', '__proto__,b\n1,2\n']) {
      expect(plainCsvRows(Buffer.from(body), text), JSON.stringify(body)).toBeUndefined();
    }
    expect(plainCsvRows(Buffer.concat([Buffer.from('a,b\n1,'), Buffer.from([0xe2, 0x82]), Buffer.from('\n')]), text)).toBeUndefined();
  });

  it('reads a header too long for a generated row builder by a store per field, as csv-parse does', async () => {
    for (const names of [Array.from({ length: 3000 }, (_, i) => `c${i}`), ['age', 'x'.repeat(20_000), 'plan']]) {
      const bytes = Buffer.from(`${names.join(',')}\n${names.map((_, i) => String(i)).join(',')}\n${names.map(() => '').join(',')}\n`);
      expect(plainCsvRows(bytes, text)).toBeDefined();
      expect(await outcome(() => csvBatch(bytes))).toBe(await outcome(() => parsedCsvRows(bytes, numeric)));
    }
  });

  it('gives csv-parse’s rows or csv-parse’s error for 3,000 seeded bodies, and reads a good share of them itself', async () => {
    let read = 0;
    for (const bytes of bodies(3000, 42)) {
      if (plainCsvRows(bytes, text) !== undefined) read++;
      expect(await outcome(() => csvBatch(bytes)), JSON.stringify(bytes.toString('latin1'))).toBe(await outcome(() => emptyIsRefused(parsedCsvRows(bytes, numeric))));
    }
    expect(read).toBeGreaterThan(600);
  });

  it('says the rows hold only keys of the schema (serve/quick-row-check.ts) when the header names only its properties, in any order', async () => {
    const inSchema = async (body: string) => (await batchRows('text/csv', Buffer.from(body), schema)).inSchema;
    expect(await inSchema('age,plan,visits,note\n30,basic,,x\n')).toBe(true);
    expect(await inSchema('note,visits,plan,age\nx,,basic,30\n')).toBe(true);
    expect(await inSchema('age,plan,visits\n30,basic,\n')).toBe(true);
    expect(await inSchema('age,plan,visits,note,extra\n30,basic,,x,1\n')).toBe(false);
    expect(await inSchema('age,plan,visits,notes\n30,basic,,x\n')).toBe(false);
    expect(await inSchema('age,constructor\n30,x\n')).toBe(false);
    // csv-parse's rows (a quote) are not looked at.
    expect(await inSchema('age,plan,visits,note\n30,basic,,"x"\n')).toBe(false);
  });

  it('keeps integer-like column names where csv-parse puts them (first, ascending), and the header of the body, not of the schema', async () => {
    const bytes = Buffer.from('note,10,age,0\nx,a,1,b\n');
    expect(plainCsvRows(bytes, text)).toBeDefined();
    expect(await outcome(() => csvBatch(bytes))).toBe(await outcome(() => parsedCsvRows(bytes, numeric)));
    expect(Object.keys((await csvBatch(bytes))[0] as object)).toEqual(['0', '10', 'note', 'age']);
  });
});

/** batchRows refuses an empty batch; csv-parse's own reading of such a body is []. */
async function emptyIsRefused(rows: Promise<unknown[]>): Promise<unknown[]> {
  const got = await rows;
  if (got.length === 0) throw new Error('the batch has no rows');
  return got;
}
