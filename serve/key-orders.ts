/**
 * @module Readers of batch rows whose keys come in another order than the schema's. The schema's
 * own reader (fast-rows.ts) reads only rows in the schema's key order, and a client that writes
 * its rows in another one (a dict built in its own order, a data frame whose columns are arranged
 * differently) had every body read by JSON.parse, about twice the reader's time. Such an order is
 * learned from the bodies JSON.parse read: the second body whose first row has it gets a reader
 * generated for it (the same generator, the properties taken in that order, so each row is still
 * exactly JSON.parse's value, its keys in the body's order), warmed in the background as a model's
 * own reader is on load (warm-fast-rows.ts), and kept only if it then reads that body. Bounded
 * whatever callers send: at most LEARNED_PER_SCHEMA readers a schema (the least recently used one
 * makes room), one warm-up at a time and one start every LEARN_INTERVAL_MS, and a declined body is
 * tried by one learned reader at most (the first whose order its first row has).
 */
import type { FeatureSchema } from './model/index.js';
import { fastRows, generateReader, type FastRows } from './fast-rows.js';
import { warmReader, type WarmOptions } from './warm-fast-rows.js';

/** Readers of learned orders kept per schema object (a reload brings a new one, which learns again). */
export const LEARNED_PER_SCHEMA = 4;
/** Bodies read by JSON.parse with the same first-row order before a reader is made for it: one client's habit, not one odd body. */
export const SEEN_BEFORE_LEARNING = 2;
/** Between the starts of two learnings for one schema: a caller sending ever new orders costs at most one warm-up (≤ 400 ms, in yielding turns) this often. */
export const LEARN_INTERVAL_MS = 10_000;
/** Orders counted but not yet learned, and orders found of no use, per schema, before each count starts again. */
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
  /** Orders whose reader did not read the body that taught it (its other rows were in another order): not learned again. */
  readonly useless: Set<string>;
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
  const place = new Map(names.map((name, i) => [name, i]));
  let last = -1;
  let inOrder = true;
  for (const key of keys) {
    const at = place.get(key);
    if (at === undefined || indexLike(key)) return undefined;
    if (at < last) inOrder = false;
    last = at;
  }
  if (inOrder) return undefined;
  const has = new Set(keys);
  if (!(schema.required ?? []).every((name) => has.has(name))) return undefined;
  return [...keys, ...names.filter((name) => !has.has(name))];
}

/** `schema` with its properties in `order` (the same property objects and everything else). */
function inOrder(schema: FeatureSchema, order: readonly string[]): FeatureSchema {
  // fromEntries defines each key as an own property, a `__proto__` one too, as JSON.parse does.
  return { ...schema, properties: Object.fromEntries(order.map((name) => [name, schema.properties[name] as Readonly<Record<string, unknown>>])) };
}

/** Adds `key` to a bounded memory: full, it starts again. */
function remember<T>(memory: Map<string, T> | Set<string>, key: string, value?: T): void {
  if (memory.size >= REMEMBERED && !memory.has(key)) memory.clear();
  if (memory instanceof Map) memory.set(key, value as T);
  else memory.add(key);
}

export interface NoteOptions extends WarmOptions {
  /** Milliseconds, monotonic, for LEARN_INTERVAL_MS (tests pass their own clock). */
  clock?: () => number;
}

/**
 * After JSON.parse read a batch body (`bytes`, of `kind`) the readers declined (its `rows`): counts
 * its first row's key order, and the SEEN_BEFORE_LEARNING-th time starts learning it, when no other
 * learning for this schema is warming and the last started LEARN_INTERVAL_MS ago. Resolves when that
 * order's reader is warmed and kept or dropped (at once when nothing was started); never rejects.
 */
export function noteOrder(schema: FeatureSchema, bytes: Buffer, kind: 'rows' | 'lines', rows: readonly unknown[], { clock = () => performance.now(), ...warm }: NoteOptions = {}): Promise<void> {
  const order = rowOrder(schema, rows[0]);
  if (order === undefined) return Promise.resolve();
  let orders = bySchema.get(schema);
  if (orders === undefined) bySchema.set(schema, (orders = { ready: [], seen: new Map(), useless: new Set(), learned: new Set(), warming: false, lastStart: -Infinity, tick: 0 }));
  const key = JSON.stringify(order);
  if (orders.learned.has(key) || orders.useless.has(key)) return Promise.resolve();
  const seen = (orders.seen.get(key) ?? 0) + 1;
  const now = clock();
  if (seen < SEEN_BEFORE_LEARNING || orders.warming || now - orders.lastStart < LEARN_INTERVAL_MS) {
    remember(orders.seen, key, seen);
    return Promise.resolve();
  }
  orders.seen.delete(key);
  orders.learned.add(key);
  orders.warming = true;
  orders.lastStart = now;
  const view = inOrder(schema, order);
  const reader = generateReader(view);
  const learning = orders;
  const done = (keep: boolean) => {
    learning.warming = false;
    if (!keep) {
      learning.learned.delete(key);
      remember(learning.useless, key);
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
    // Kept only if it reads the body that taught it: a first row in one order and the others in another teach nothing.
    () => done(reader[kind](bytes) !== undefined),
    () => done(false),
  );
}
