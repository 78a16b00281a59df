/**
 * @module Warming a schema's row reader (fast-rows.ts) when its model loads. Until TurboFan has
 * compiled it, the reader runs in V8's interpreter at ~8–30 ms a 1,000-row batch against ~0.6 ms
 * compiled, and compiling it took 50–90 ms on this project's busy 2-core VM: without a warm-up the
 * first dozen batches after a start or a reload would each cost several times JSON.parse's ~2 ms.
 */
import { setImmediate as nextTurn } from 'node:timers/promises';
import type { FeatureSchema } from './model/index.js';
import { fastRows, plain, type FastRows } from './fast-rows.js';

/**
 * Values a property's rows may hold: its enum members and values of its JSON types, integers and
 * fractions both for a number, so the warm-up's rows take the shapes and value kinds live rows do
 * (code compiled for rows of integers alone would be thrown away at the first fraction).
 */
function samples(property: Readonly<Record<string, unknown>>): unknown[] {
  const values: unknown[] = Array.isArray(property.enum) ? [...(property.enum as unknown[])] : [];
  for (const type of [property.type ?? []].flat()) {
    if (type === 'string') values.push('c-000001', 'Zürich');
    else if (type === 'integer') values.push(0, 7, 42);
    else if (type === 'number') values.push(12.25, 0, 3.5, 1e21);
    else if (type === 'boolean') values.push(true, false);
    else if (type === 'null') values.push(null);
  }
  // Strings JSON writes with an escape are not the reader's to read.
  const readable = values.filter((v) => typeof v !== 'string' || plain(v));
  return readable.length > 0 ? readable : ['x', 1, null];
}

const warmed = new WeakSet<object>();

/**
 * How many times faster than interpreted a compiled call is taken to be: compiled calls ran 8-15
 * times faster, while at 4 (a quarter) a call with only some of the reader's functions optimised
 * (0.15-0.2 ms against ~0.8) already passed, and the next 1,000-row batch took 7-17 ms.
 */
const COMPILED = 6;

/**
 * `count` rows of `schema` in schema order, its samples taken in turn, every property present; but
 * the last quarter are earlier rows again without the properties the schema does not require, as
 * live rows may leave them out (code compiled for rows that always have them would be thrown away at
 * the first that does not).
 */
function sampleRows(schema: FeatureSchema, count: number): Record<string, unknown>[] {
  const required = new Set(schema.required ?? []);
  const columns = Object.entries(schema.properties).map(([name, property]) => [name, samples(property)] as const);
  const full = count - Math.floor(count / 4);
  const rows = Array.from({ length: full }, (_, j) => Object.fromEntries(columns.map(([name, values], i) => [name, values[(i + j) % values.length]])));
  for (let j = full; j < count; j++) rows.push(Object.fromEntries(Object.entries(rows[j - full] as object).filter(([name]) => required.has(name))));
  return rows;
}

/** A JSON array of `count` sample rows of `schema`. */
export function sampleBatch(schema: FeatureSchema, count: number): Buffer {
  return Buffer.from(JSON.stringify(sampleRows(schema, count)));
}

/**
 * The same rows as NDJSON, a row a line: every fourth line ended by \r\n, the last by a space and no
 * line feed, so the code compiled for lines has met what live bodies have (its first CRLF body, or
 * one ending without a line feed, threw the compiled code away when the sample had neither).
 */
export function sampleLines(schema: FeatureSchema, count: number): Buffer {
  const rows = sampleRows(schema, count);
  return Buffer.from(rows.map((row, i) => `${JSON.stringify(row)}${i === rows.length - 1 ? ' ' : i % 4 === 3 ? '\r\n' : '\n'}`).join(''));
}

/**
 * Reads a sample batch with `schema`'s reader until it runs compiled — three calls in a row under
 * a sixth of an interpreted call's time, the median of calls 1-3 (call 0 also compiles the
 * bytecode; interpreted calls then take ~10 µs a row, compiled ones ~1) — or `budgetMs` has
 * passed, yielding between calls so that a reload beside live requests does not hold them up:
 * 60–170 ms on this project's VM (reading the NDJSON sample too added ~20 ms).
 */
export interface WarmOptions {
  /** How long the warm-up may take, by `now`. */
  budgetMs?: number;
  /** Milliseconds, monotonic (tests pass a clock the calls advance). */
  now?: () => number;
}

export function warmFastRows(schema: FeatureSchema, options: WarmOptions = {}): Promise<void> {
  return warmReader(fastRows(schema), schema, options);
}

/** warmFastRows for a reader of `schema` made apart (bench/fast-rows.mjs measures a fresh one). */
export async function warmReader(reader: FastRows, schema: FeatureSchema, { budgetMs = 400, now = () => performance.now() }: WarmOptions = {}): Promise<void> {
  // Compiled already (a reload of the same schema): its calls would never get faster, and the loop would run out its budget.
  if (warmed.has(reader)) return;
  warmed.add(reader);
  // Generating the reader, and its first call, which compiles its bytecode, hold the loop ~1-2.5 ms each: a turn apart, the first call on one row.
  await nextTurn();
  // A schema the reader declines (names it cannot compare as bytes) has nothing to warm.
  if (reader.rows(sampleBatch(schema, 1)) === undefined) return;
  await nextTurn();
  const body = sampleBatch(schema, 64);
  // NDJSON's reader (lines) calls the same row function, compiled by the calls of rows, but its own loop runs in the
  // interpreter until it is hot: a 1,000-row NDJSON batch after a warm-up of rows alone took 2-3 ms for the first
  // few, against ~1.3 once compiled. So each turn reads the rows as NDJSON too, untimed: by the end lines has run as
  // many times as rows, and its first batches took what later ones do. A turn of its own, as each call of rows has.
  const lines = sampleLines(schema, 64);
  const start = now();
  // An interpreted call's time: the median of calls 1-3, since one of them slowed by a GC or a preempted turn (4-7 ms
  // against ~0.7 here, in 3 of 30 warm-ups) made a bound every interpreted call passed, and the warm-up ended after
  // five calls with the reader still interpreted (a 1,000-row batch then took 12-20 ms).
  const interpretedCalls: number[] = [];
  let interpreted = 0;
  let compiled = 0;
  for (let call = 0; compiled < 3 && now() - start < budgetMs; call++) {
    const t = now();
    reader.rows(body);
    const took = now() - t;
    if (call >= 1 && call <= 3 && interpretedCalls.push(took) === 3) interpreted = interpretedCalls.sort((a, b) => a - b)[1] as number;
    compiled = took < interpreted / COMPILED ? compiled + 1 : 0;
    await nextTurn();
    reader.lines(lines);
    await nextTurn();
  }
}
