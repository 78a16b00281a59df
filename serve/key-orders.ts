/**
 * @module Readers of batch rows whose keys come in another order than the schema's. The schema's
 * own reader (fast-rows.ts) reads only rows in the schema's key order, and a client that writes
 * its rows in another one (a dict built in its own order, a data frame whose columns are arranged
 * differently) had every body read by JSON.parse, about twice the reader's time. Such an order is
 * learned from the bodies JSON.parse read: the second body whose first row has it gets a reader
 * generated for it (the same generator, the properties taken in that order, so each row is still
 * exactly JSON.parse's value, its keys in the body's order), warmed in the background as a model's
 * own reader is on load (warm-fast-rows.ts); a body whose other rows are not in its first row's
 * order teaches nothing. Bounded whatever callers send: at most LEARNED_PER_SCHEMA readers a schema
 * (the least recently used one makes room), one warm-up at a time and one start every
 * LEARN_INTERVAL_MS, and a declined body is tried by one learned reader at most: the first whose
 * reader reads its first row (the one whose order a declined body then shows comes first from then
 * on).
 */
import type { FeatureSchema } from './model/index.js';
import { fastRows, generateReader, type FastRows } from './fast-rows.js';
import { sampleBatch, warmReader, type WarmOptions } from './warm-fast-rows.js';

/** Readers of learned orders kept per schema object (a reload brings a new one, which learns again). */
export const LEARNED_PER_SCHEMA = 4;
/** Bodies read by JSON.parse with the same first-row order before a reader is made for it: one client's habit, not one odd body. */
export const SEEN_BEFORE_LEARNING = 2;
/** Between the starts of two learnings for one schema: a caller sending ever new orders costs at most one warm-up (≤ 400 ms, in yielding turns) this often. */
export const LEARN_INTERVAL_MS = 10_000;
/** Orders counted but not yet learned, per schema, before the count starts again. */
const REMEMBERED = 64;

interface Learned {
  readonly reader: FastRows;
  /** Its order (as counted). */
  readonly key: string;
  /** When it last read a body (the schema's tick): the least recent makes room for a new order. */
  used: number;
}

interface Orders {
  readonly ready: Learned[];
  /** Bodies seen by their first row's key order (its JSON), for orders not yet learned. */
  readonly seen: Map<string, number>;
  /** Orders ready or warming. */
  readonly learned: Set<string>;
  warming: boolean;
  /** When the last learning started (`now`), or -Infinity. */
  lastStart: number;
  tick: number;
}

const bySchema = new WeakMap<FeatureSchema, Orders>();

/**
 * The rows of a JSON array body (`kind` rows) or NDJSON body (lines) read by the schema's reader or
 * a learned order's, or undefined: no reader's case, JSON.parse's to read.
 */
export function readRows(schema: FeatureSchema, bytes: Buffer, kind: 'rows' | 'lines'): unknown[] | undefined {
  const read = fastRows(schema)[kind](bytes);
  if (read !== undefined) return read;
  const orders = bySchema.get(schema);
  if (orders === undefined) return undefined;
  // The first learned order whose reader reads the first row (a few compares each) reads the body, or none does: a
  // body is scanned by one learned reader at most, so a body crafted to be declined late costs one more scan, not four.
  for (const learned of orders.ready) {
    if (!learned.reader.first(bytes)) continue;
    const rows = learned.reader[kind](bytes);
    if (rows !== undefined) learned.used = ++orders.tick;
    return rows;
  }
  return undefined;
}

/** A canonical array index ("0", "7", "4294967294"): JavaScript lists such keys first, whatever order the body wrote them in. */
const indexLike = (key: string) => /^(?:0|[1-9]\d*)$/.test(key) && Number(key) < 2 ** 32 - 1;

/**
 * The key order of a first row, all of whose keys are the schema's and which has every key the
 * schema requires, followed by the keys it left out (in the schema's order); undefined for any other
 * row, for one in the schema's own order (the reader declined that body for another reason: an
 * escape, a nested value, a later row), or for one with an index-like key (its own keys do not
 * say the order the body wrote them in).
 */
export function rowOrder(schema: FeatureSchema, row: unknown): string[] | undefined {
  if (typeof row !== 'object' || row === null || Array.isArray(row)) return undefined;
  const names = Object.keys(schema.properties);
  const keys = Object.keys(row);
  if (keys.some(indexLike) || walk(keys, places(names)) !== 'another') return undefined;
  const has = new Set(keys);
  if (!(schema.required ?? []).every((name) => has.has(name))) return undefined;
  return [...keys, ...names.filter((name) => !has.has(name))];
}

/** Each name's place in `order`. */
const places = (order: readonly string[]) => new Map(order.map((name, i) => [name, i]));

/** How `keys` (each once, as an object's are) stand against `place`: all in its order, all its names in another, or not all its names. */
function walk(keys: readonly string[], place: ReadonlyMap<string, number>): 'in order' | 'another' | 'foreign' {
  let last = -1;
  let sorted = true;
  for (const key of keys) {
    const at = place.get(key);
    if (at === undefined) return 'foreign';
    if (at < last) sorted = false;
    last = at;
  }
  return sorted ? 'in order' : 'another';
}

/** `schema` with its properties in `order` (the same property objects and everything else). */
function withOrder(schema: FeatureSchema, order: readonly string[]): FeatureSchema {
  // fromEntries defines each key as an own property, a `__proto__` one too, as JSON.parse does.
  return { ...schema, properties: Object.fromEntries(order.map((name) => [name, schema.properties[name] as Readonly<Record<string, unknown>>])) };
}

/** Counts a body of the order `key`: a bounded memory, which starts again when full. */
function count(seen: Map<string, number>, key: string, times: number): void {
  if (seen.size >= REMEMBERED && !seen.has(key)) seen.clear();
  seen.set(key, times);
}

/** Whether every row is an object whose keys come in `order` (a row may leave some out). */
function allIn(rows: readonly unknown[], order: readonly string[]): boolean {
  const place = places(order);
  return rows.every((row) => typeof row === 'object' && row !== null && !Array.isArray(row) && walk(Object.keys(row), place) === 'in order');
}

export interface NoteOptions extends WarmOptions {
  /** Milliseconds, monotonic, for LEARN_INTERVAL_MS (tests pass their own clock). */
  clock?: () => number;
}

/**
 * After JSON.parse read a batch body the readers declined (its `rows`): counts its first row's key
 * order, and the SEEN_BEFORE_LEARNING-th time starts learning it, when every row of the body is in
 * that order, no other learning for this schema is warming and the last started LEARN_INTERVAL_MS
 * ago. Resolves when that order's reader is warmed and kept (at once when nothing was started);
 * never rejects.
 */
export function noteOrder(schema: FeatureSchema, rows: readonly unknown[], { clock = () => performance.now(), ...warm }: NoteOptions = {}): Promise<void> {
  const order = rowOrder(schema, rows[0]);
  if (order === undefined) return Promise.resolve();
  let orders = bySchema.get(schema);
  if (orders === undefined) bySchema.set(schema, (orders = { ready: [], seen: new Map(), learned: new Set(), warming: false, lastStart: -Infinity, tick: 0 }));
  const key = JSON.stringify(order);
  if (orders.learned.has(key)) {
    // Learned, yet this body was declined: another learned reader read its first row first (one that left keys
    // out fits several orders). This order's comes first from now on, so its bodies are tried by their own reader.
    const at = orders.ready.findIndex((learned) => learned.key === key);
    if (at > 0) orders.ready.unshift(...orders.ready.splice(at, 1));
    return Promise.resolve();
  }
  const seen = (orders.seen.get(key) ?? 0) + 1;
  const now = clock();
  // A body whose other rows take other orders teaches nothing (its reader would not read it); the next may.
  if (seen < SEEN_BEFORE_LEARNING || orders.warming || now - orders.lastStart < LEARN_INTERVAL_MS || !allIn(rows, order)) {
    count(orders.seen, key, Math.min(seen, SEEN_BEFORE_LEARNING));
    return Promise.resolve();
  }
  orders.seen.delete(key);
  orders.learned.add(key);
  orders.warming = true;
  orders.lastStart = now;
  const view = withOrder(schema, order);
  const reader = generateReader(view);
  const learning = orders;
  const done = (keep: boolean) => {
    learning.warming = false;
    if (!keep) {
      learning.learned.delete(key);
      return;
    }
    if (learning.ready.length >= LEARNED_PER_SCHEMA) {
      const least = learning.ready.reduce((a, b) => (b.used < a.used ? b : a));
      learning.ready.splice(learning.ready.indexOf(least), 1);
      learning.learned.delete(least.key);
    }
    learning.ready.push({ reader, key, used: ++learning.tick });
  };
  return warmReader(reader, view, warm).then(
    // A reader that declines its own sample batch (a schema the generator cannot read) would read nothing.
    () => done(reader.rows(sampleBatch(view, 1)) !== undefined),
    () => done(false),
  );
}
