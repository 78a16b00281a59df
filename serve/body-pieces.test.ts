import { describe, expect, it } from 'vitest';
import { PIECE_BYTES, bodyText, forEachLine, parseJsonBody } from './body-pieces.js';
import { RequestProblem, parseJson } from './request-problem.js';

const row = (i: number, extra: Record<string, unknown> = {}) => ({ customer_id: `C${i}`, tenure_months: i % 72, plan: i % 2 ? 'basic' : 'pro', monthly_charges: 20.5 + i, ...extra });
const rows = (n: number, extra?: (i: number) => Record<string, unknown>) => Array.from({ length: n }, (_, i) => row(i, extra?.(i)));

/** What the route did before: the whole body as one text, parsed once. */
function whole(bytes: Buffer): unknown {
  return parseJson(new TextDecoder().decode(bytes));
}

function problemOf(f: () => unknown): RequestProblem {
  try {
    f();
  } catch (error) {
    if (error instanceof RequestProblem) return error;
    throw error;
  }
  throw new Error('no RequestProblem thrown');
}

describe('parseJsonBody', () => {
  it('parses a batch many pieces long into the rows JSON.parse gives, in order', () => {
    const body = Buffer.from(JSON.stringify(rows(5000)));
    expect(body.length).toBeGreaterThan(4 * PIECE_BYTES);
    const parsed = parseJsonBody(body) as unknown[];
    expect(parsed).toHaveLength(5000);
    expect(parsed).toEqual(whole(body));
  });

  it('gives the same rows when `},` appears inside strings, nested objects, with whitespace and a BOM', () => {
    const tricky = rows(3000, (i) => (i % 7 === 0 ? { note: 'a},{"b":1},' } : i % 11 === 0 ? { nested: { x: { y: 1 }, z: [{ a: 1 }, { b: 2 }] } } : {}));
    for (const text of [JSON.stringify(tricky), JSON.stringify(tricky, null, 2), ` \n\t${JSON.stringify(tricky)}\r\n `]) {
      for (const body of [Buffer.from(text), Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text)])]) {
        expect(parseJsonBody(body)).toEqual(whole(body));
      }
    }
  });

  it('reads text as Request.text() does: multi-byte characters and invalid bytes (U+FFFD)', () => {
    const text = JSON.stringify(rows(3000, (i) => ({ city: i % 5 ? 'Zürich ☃ 東京' : 'x' })));
    const bad = Buffer.from(text.replace('"x"', '"\u0001"'));
    // Invalid UTF-8 where the \u0001 was: a lone continuation byte and a truncated sequence.
    const at = bad.indexOf(0x01);
    const body = Buffer.concat([bad.subarray(0, at), Buffer.from([0x80, 0xe2, 0x82]), bad.subarray(at + 1)]);
    expect(parseJsonBody(body)).toEqual(whole(body));
    expect(bodyText(body)).toBe(new TextDecoder().decode(body));
  });

  it('answers a large malformed body with the same 400 message as the whole text', () => {
    const good = JSON.stringify(rows(3000));
    for (const text of [`${good.slice(0, -1)},]`, `${good.slice(0, -1)}, \n]`, `${good}x`, good.slice(0, good.length / 2), good.replace('"C2000"', '"C2000'), `{"rows":${good}}`]) {
      const body = Buffer.from(text);
      if (text.startsWith('{')) {
        // Not an array: parsed whole, the route says it is not a list.
        expect(parseJsonBody(body)).toEqual(whole(body));
        continue;
      }
      const expected = problemOf(() => whole(body));
      const got = problemOf(() => parseJsonBody(body));
      expect(got.status).toBe(400);
      expect(got.message).toBe(expected.message);
    }
  });

  it('parses a small body whole', () => {
    expect(parseJsonBody(Buffer.from('[{"a":1},{"b":2}]'))).toEqual([{ a: 1 }, { b: 2 }]);
    expect(problemOf(() => parseJsonBody(Buffer.from('[{"a":1},'))).message).toBe(problemOf(() => parseJson('[{"a":1},')).message);
  });
});

describe('forEachLine', () => {
  const linesOf = (body: Buffer) => {
    const out: [string, number][] = [];
    forEachLine(body, (line, n) => out.push([line, n]));
    return out;
  };
  const split = (body: Buffer) => new TextDecoder().decode(body).split('\n').map((line, i): [string, number] => [line, i + 1]);

  it('gives every line with its number, as splitting the whole text does', () => {
    const ndjson = rows(4000).map((r) => JSON.stringify(r));
    for (const text of [ndjson.join('\n'), `${ndjson.join('\n')}\n`, `${ndjson.join('\r\n')}\r\n\n\n`, `\n${ndjson.join('\n\n')}`]) {
      for (const body of [Buffer.from(text), Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text)])]) {
        const got = linesOf(body);
        expect(got.length).toBeGreaterThanOrEqual(4000);
        expect(got).toEqual(split(body));
      }
    }
  });

  it('handles a line longer than a piece and an empty body', () => {
    const long = JSON.stringify({ blob: 'y'.repeat(3 * PIECE_BYTES) });
    const body = Buffer.from(`{"a":1}\n${long}\n{"b":2}`);
    expect(linesOf(body)).toEqual(split(body));
    expect(linesOf(Buffer.alloc(0))).toEqual([['', 1]]);
  });
});
