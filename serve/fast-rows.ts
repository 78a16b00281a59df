/**
 * @module A JSON reader specialised to one feature schema: the rows of a request body whose every
 * object has the schema's keys in the schema's order (any the schema does not require may be left
 * out), read straight from the bytes. It returns what JSON.parse would (the same values, objects
 * with the same keys in the same order), or undefined for anything else, which the caller then
 * gives to JSON.parse, so errors never come from here.
 */
import type { FeatureSchema } from './model/index.js';

/** The value JSON.parse gives for the body (`bytes`), or undefined: not this reader's case, parse it as usual. */
export interface FastRows {
  /** A JSON array of rows. */
  readonly rows: (bytes: Buffer) => unknown[] | undefined;
  /** One row. */
  readonly row: (bytes: Buffer) => unknown;
  /** NDJSON: the rows of its lines, as serve/batch-input.ts's ndjsonRows gives them (JSON.parse of each line that is not blank). */
  readonly lines: (bytes: Buffer) => unknown[] | undefined;
  /**
   * Whether the body's first row (after a BOM, whitespace and an opening `[`) is one this reader
   * reads: a few compares that say which of several readers to try on the whole body
   * (serve/key-orders.ts). Yes does not mean the body is read.
   */
  readonly first: (bytes: Buffer) => boolean;
}

const NEVER: FastRows = { rows: () => undefined, row: () => undefined, lines: () => undefined, first: () => false };

const readers = new WeakMap<FeatureSchema, FastRows>();
/** By what the code is made of (names in order, enum members): a reload of the same schema reuses the reader V8 has compiled already. */
const byContent = new Map<string, FastRows>();

/** The reader of `schema`'s rows, generated once per schema (the same names and enum members in the same order). */
export function fastRows(schema: FeatureSchema): FastRows {
  let reader = readers.get(schema);
  if (reader === undefined) {
    const key = JSON.stringify(Object.entries(schema.properties).map(([name, property]) => [name, property.enum ?? null]));
    reader = byContent.get(key) ?? generateReader(schema);
    byContent.delete(key);
    byContent.set(key, reader);
    // The schemas of the last few reloads, not every schema a long-lived service has served.
    if (byContent.size > 8) byContent.delete(byContent.keys().next().value as string);
    readers.set(schema, reader);
  }
  return reader;
}

/**
 * A text the raw bytes of a JSON string can be compared with: bytes equal to its UTF-8 mean the
 * JSON string is this text only when it needs no escape and is well-formed (a lone surrogate
 * encodes as U+FFFD's bytes, which decode to U+FFFD).
 */
export const plain = (text: string): boolean => Buffer.from(text).toString() === text && [...text].every((c) => c >= ' ' && c !== '"' && c !== '\\');

/**
 * `at + 5 <= n && d.getUint32(at, true) === x && b[at + 4] === y`: the bytes of `bytes` from `at`
 * (an expression), four at a time where they can be. A DataView read is one load once optimised,
 * and a key four times fewer compares: a 1,000-row batch read ~13 % faster than byte by byte.
 */
function wordsAt(at: string, bytes: Buffer): string {
  const tests = [`${at} + ${bytes.length} <= n`];
  let i = 0;
  for (; i + 4 <= bytes.length; i += 4) tests.push(`d.getUint32(${at} + ${i}, true) === ${bytes.readUInt32LE(i)}`);
  for (; i < bytes.length; i++) tests.push(`b[${at} + ${i}] === ${bytes[i]}`);
  return tests.join(' && ');
}

/**
 * One generated function per schema, in the way of rowEncoder: each key a run of compares,
 * each enum string compared with the members' bytes (a match reuses the member, no allocation), each
 * row with every key one object literal in schema order, so all such rows share one shape. Numbers
 * follow JSON's grammar; an integer mantissa below 2^53 with a decimal exponent within ±22 is
 * converted with one exact multiply or divide by a power of ten (Clinger's fast path, correctly
 * rounded), any other number by Number() of its text, which rounds as JSON.parse does. A key the
 * schema does not require is compared where it would come and, if another is there, taken as left
 * out (a row that left one out is built by stores, of the keys it has). Strings with an escape or a
 * control character, nested values, another key order, a key twice: undefined. Names and members
 * reach the code as JSON string literals or elements of `K`, which cannot inject code. The position is
 * passed in and returned, never a closure variable (which cost a load and a store at every byte;
 * the first prototype so read a batch only 14 % faster than JSON.parse), and whitespace is skipped
 * by a call only where there is some.
 */
export function generateReader(schema: FeatureSchema): FastRows {
  const names = Object.keys(schema.properties);
  if (!names.every(plain)) return NEVER;
  const K: unknown[] = [];
  const k = (value: unknown) => `K[${K.push(value) - 1}]`;
  const fields: string[] = [];
  const required = new Set(schema.required ?? []);
  // `more`: a key comes next (a comma followed the last value, or the object is not empty).
  // `sparse`: a key was left out.
  const lines: string[] = ['if (b[p] !== 123) return -1;', 'p++;', SPACE, `let more = b[p] !== 125, sparse = false${names.map((_, i) => `, v${i}`).join('')};`];
  names.forEach((name, i) => {
    const key = Buffer.from(`"${name}"`);
    const members = [(schema.properties[name] as Record<string, unknown>).enum ?? []].flat().filter((m): m is string => typeof m === 'string' && plain(m));
    const read = [`p += ${key.length};`, SPACE, 'if (b[p] !== 58) return -1;', 'p++;', SPACE];
    read.push(members.length > 0 ? `p = ${enumReader(members, k, fields)}(b, d, n, p);` : 'p = value(b, p);', 'if (p < 0) return -1;', `v${i} = V;`, SPACE);
    read.push('if (b[p] === 44) {', 'p++;', SPACE, '} else more = false;');
    // A key the schema does not require may be left out: the next key is then compared where this one was not.
    if (required.has(name)) lines.push(`if (!(more && ${wordsAt('p', key)})) return -1;`, ...read);
    else lines.push(`if (more && ${wordsAt('p', key)}) {`, ...read, `} else { v${i} = undefined; sparse = true; }`);
  });
  // A key left over (another order, a name twice, one the schema does not have), or a comma before the brace: declined.
  lines.push('if (more || b[p] !== 125) return -1;');
  // A row that left keys out holds only those it has, in schema order, as JSON.parse's does (a value read is never
  // undefined): an undefined key would count as there for whatever counts keys (ajv's additionalProperties for a canary
  // whose schema lacks it, minProperties). A few such rows per body take a shape or two more; full rows keep one.
  // Built by a function of its own, so the row function (bounded in size, below) only calls it.
  const store = (name: string, i: number) => (name === '__proto__' ? `Object.defineProperty(r, "__proto__", { value: v${i}, enumerable: true, writable: true, configurable: true });` : `r[${JSON.stringify(name)}] = v${i};`);
  const vs = names.map((_, i) => `v${i}`).join(', ');
  fields.push(`function sparseRow(${vs}) {\nconst r = {};\n${names.map((name, i) => (required.has(name) ? store(name, i) : `if (v${i} !== undefined) ${store(name, i)}`)).join('\n')}\nreturn r;\n}`);
  lines.push(`if (sparse) {`, `R = sparseRow(${vs});`, 'return p + 1;', '}');
  // __proto__ as a literal key would set the prototype; JSON.parse makes it an own property, as a computed key does.
  lines.push(`R = { ${names.map((name, i) => `${name === '__proto__' ? `[${JSON.stringify(name)}]` : JSON.stringify(name)}: v${i}`).join(', ')} };`, 'return p + 1;');
  const object = `function object(b, d, n, p) {\n${lines.join('\n')}\n}`;
  if (object.length > MAX_ROW_SOURCE) return NEVER;
  const source = [RUNTIME, ...fields, object, READERS];
  return new Function('K', `"use strict";\n${source.join('\n')}`)(K) as FastRows;
}

/**
 * The longest row function generated, in characters of source, which V8 turns into about as many
 * bytes of bytecode (0.96-0.99 of them here). V8 never optimises a function of more than 61,440
 * bytes of bytecode (--max-optimized-bytecode-size), and interpreted, the reader takes about twice
 * JSON.parse's time a batch, while the warm-up runs out its budget on every load in turns that grow
 * with the width (10-50 ms at 300 columns). Below that limit, a row function of 60-112 columns
 * (names like feature_123) took 170-215 batch calls (350-650 ms) to be compiled, more than the
 * warm-up's budget, in 64-row calls of up to ~13 ms each. So the bound is half of that: 48-51 such
 * columns (54 before optional keys could be left out); the churn example's 18 take 9,384. A wider
 * schema's bodies are JSON.parse's, as before the reader.
 */
const MAX_ROW_SOURCE = 24 * 1024;

/** Skips whitespace, with a call only when the next byte may be some (all four are ≤ 0x20). */
const SPACE = 'if (b[p] <= 32) p = ws(b, p);';

/** Up to this many members, a field's value is compared with each member where it starts; past it, scanned first and compared with the members of its length. */
const MEMBERS_COMPARED_AT_START = 8;

/**
 * A generated function reading a field with enum `members`: a string equal to one is that member. With a
 * few members, each one's bytes and the closing quote are compared where the string starts, four at a time:
 * a member needs no escape (plain), so those bytes are the whole string, and only another string is scanned
 * to its end (scanning every value first cost ~15 % of a batch's reading). With many, the string is scanned
 * and then compared with the members of its length only.
 */
function enumReader(members: readonly string[], k: (value: unknown) => string, fields: string[]): string {
  const name = `field${fields.length}`;
  const unique = [...new Set(members)];
  let body: string;
  if (unique.length <= MEMBERS_COMPARED_AT_START) {
    const tests = unique.map((member) => {
      const bytes = Buffer.from(`${member}"`);
      return `if (${wordsAt('p + 1', bytes)}) { V = ${k(member)}; return p + ${bytes.length + 1}; }`;
    });
    body = `${tests.join('\n')}\nconst e = scan(b, p);\nreturn e < 0 ? -1 : text(b, p + 1, e);`;
  } else {
    const byLength = new Map<number, string[]>();
    for (const member of unique) {
      const bytes = Buffer.from(member);
      const tests = byLength.get(bytes.length) ?? [];
      tests.push(`if (${wordsAt('s', bytes)}) { V = ${k(member)}; return e + 1; }`);
      byLength.set(bytes.length, tests);
    }
    const cases = [...byLength].map(([length, tests]) => `  case ${length}: ${tests.join(' ')} break;`);
    body = `const e = scan(b, p);\nif (e < 0) return -1;\nconst s = p + 1;\nswitch (e - s) {\n${cases.join('\n')}\n}\nreturn text(b, s, e);`;
  }
  fields.push(`function ${name}(b, d, n, p) {\nif (b[p] !== 34) return value(b, p);\n${body}\n}`);
  return name;
}

/**
 * The readers of a body: a loop over `object`, which reads one row (its object in R) from its
 * position and returns the position after it, or -1. One call a row rather than the row's code
 * inline in the loop, so the row's code is generated once for all three readers and V8 need not replace
 * a running loop (on-stack) with compiled code: with the code inline, the first 1,000-row batches
 * ran interpreted at 15–35 ms each while TurboFan compiled the function twice (~50 ms each time),
 * called once a row they take 8–14 ms. warm-fast-rows.ts compiles it before the first request.
 */
const READERS = String.raw`
let R;
function rows(b) {
  const n = b.length;
  const d = new DataView(b.buffer, b.byteOffset, n);
  let p = begin(b);
  if (b[p] !== 91) return undefined;
  p++;
  ${SPACE}
  const out = [];
  if (b[p] !== 93) {
    for (;;) {
      p = object(b, d, n, p);
      if (p < 0) return undefined;
      out.push(R);
      ${SPACE}
      if (b[p] === 93) break;
      if (b[p] !== 44) return undefined;
      p++;
      ${SPACE}
    }
  }
  R = undefined;
  p = ws(b, p + 1);
  return p === n ? out : undefined;
}
function row(b) {
  const n = b.length;
  const p = object(b, new DataView(b.buffer, b.byteOffset, n), n, begin(b));
  const r = R;
  R = undefined;
  return p >= 0 && ws(b, p) === n ? r : undefined;
}
// NDJSON as ndjsonRows (serve/batch-input.ts) reads it: lines split at \n only, each one blank or one object, with the
// spaces, tabs and CRs around it JSON.parse allows in a line. Any other line is declined: a value that is no object, or a
// blank trim() skips but JSON.parse would not read (U+00A0, U+FEFF, U+2028, \v…). b[p] is read only below n here: a load
// past the end, where a body ends, deoptimised this function on the first live body whose end the warm-up's had not had.
function lines(b) {
  const n = b.length;
  const d = new DataView(b.buffer, b.byteOffset, n);
  // The BOM a decoder drops, at the start only (forEachLine in serve/body-pieces.ts).
  let p = b[0] === 0xef && b[1] === 0xbb && b[2] === 0xbf ? 3 : 0;
  const out = [];
  while (p < n) {
    if (b[p] !== 123) {
      if (b[p] !== 10) p = lineWs(b, p, n);
      if (p === n) break;
      if (b[p] === 10) {
        p++;
        continue;
      }
      if (b[p] !== 123) return undefined;
    }
    const s = p;
    p = object(b, d, n, p);
    if (p < 0) return undefined;
    // The line's end. Before the object's, the object's whitespace held a line feed: ndjsonRows would cut it into two
    // lines, neither JSON (the next line would start inside the object, at a key, a value or }, and be declined then).
    // indexOf is native (memchr), a call a row, cheaper than any byte loop over the row.
    const f = b.indexOf(10, s);
    const e = f < 0 ? n : f;
    if (p > e || (p < e && lineWs(b, p, n) !== e)) return undefined;
    out.push(R);
    p = e + 1;
  }
  R = undefined;
  return out;
}
function first(b) {
  const n = b.length;
  let p = begin(b);
  if (b[p] === 91) p = ws(b, p + 1);
  p = object(b, new DataView(b.buffer, b.byteOffset, n), n, p);
  R = undefined;
  return p >= 0;
}
// Whitespace within a line: JSON's but the line feed, which ends it. Never read at n: a read past the end, the first
// time a body ends in whitespace without a line feed, threw away the compiled code of lines ("out of bounds").
function lineWs(b, p, n) {
  let c;
  while (p < n && ((c = b[p]) === 32 || c === 13 || c === 9)) p++;
  return p;
}
return { rows, row, lines, first };`;

/**
 * The scalar readers every generated reader shares: each takes the body and the position of a
 * value, leaves the value in V and returns the position after it, or -1 where the body leaves the
 * fast path.
 */
const RUNTIME = String.raw`
const POW = [1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22];
let V, H = 0;
function ws(b, p) {
  let c;
  while ((c = b[p]) === 32 || c === 10 || c === 13 || c === 9) p++;
  return p;
}
// The closing quote of the string opening at p, with H the OR of its bytes; -1 for an escape, a control character or no end.
function scan(b, p) {
  let h = 0;
  for (;;) {
    const c = b[++p];
    if (c === 34) {
      H = h;
      return p;
    }
    if (!(c >= 32) || c === 92) return -1;
    h |= c;
  }
}
// Invalid UTF-8 leaves the fast path: the body's text would hold U+FFFD where the bytes were, and one found here may be that.
function text(b, s, e) {
  if (H < 128) V = b.latin1Slice(s, e);
  else {
    V = b.utf8Slice(s, e);
    if (V.includes('\uFFFD')) return -1;
  }
  return e + 1;
}
function string(b, p) {
  const e = scan(b, p);
  return e < 0 ? -1 : text(b, p + 1, e);
}
function number(b, p) {
  const s = p;
  let c = b[p];
  const negative = c === 45;
  if (negative) c = b[++p];
  let m = 0;
  let e = 0;
  // A leading zero ends the integer part: the digit after one (01) is then where the caller expects , or }, and declines.
  if (c === 48) c = b[++p];
  else if (c >= 49 && c <= 57) {
    do {
      m = m * 10 + (c - 48);
      c = b[++p];
    } while (c >= 48 && c <= 57);
  } else return -1;
  if (c === 46) {
    c = b[++p];
    if (!(c >= 48 && c <= 57)) return -1;
    do {
      m = m * 10 + (c - 48);
      e--;
      c = b[++p];
    } while (c >= 48 && c <= 57);
  }
  if (c === 101 || c === 69) {
    c = b[++p];
    const down = c === 45;
    if (down || c === 43) c = b[++p];
    if (!(c >= 48 && c <= 57)) return -1;
    // The whole exponent, never capped: with as many fraction digits (0.000…5e1000000) a capped one could land e within ±22
    // and give 5 for JSON.parse's Infinity. Past 2^53 x is inexact and at last Infinity, but then e is far outside ±22 anyway.
    let x = 0;
    do {
      x = x * 10 + (c - 48);
      c = b[++p];
    } while (c >= 48 && c <= 57);
    e += down ? -x : x;
  }
  // Every step of m below 2^53 was exact, and so is 10^|e| up to 10^22: one correctly rounded operation.
  if (m < 9007199254740992 && e >= -22 && e <= 22) {
    const v = e < 0 ? m / POW[-e] : m * POW[e];
    V = negative ? -v : v;
  } else V = Number(b.latin1Slice(s, p));
  return p;
}
function value(b, p) {
  const c = b[p];
  if (c === 34) return string(b, p);
  if (c === 45 || (c >= 48 && c <= 57)) return number(b, p);
  if (c === 110 && b[p + 1] === 117 && b[p + 2] === 108 && b[p + 3] === 108) {
    V = null;
    return p + 4;
  }
  if (c === 116 && b[p + 1] === 114 && b[p + 2] === 117 && b[p + 3] === 101) {
    V = true;
    return p + 4;
  }
  if (c === 102 && b[p + 1] === 97 && b[p + 2] === 108 && b[p + 3] === 115 && b[p + 4] === 101) {
    V = false;
    return p + 5;
  }
  return -1;
}
// A body starts after a UTF-8 byte order mark, as its text would (serve/body-pieces.ts), and any whitespace.
function begin(b) {
  return ws(b, b[0] === 0xef && b[1] === 0xbb && b[2] === 0xbf ? 3 : 0);
}`;
