/**
 * @module Readers of batch rows whose keys come in another order than the schema's. The schema's
 * own reader (fast-rows.ts) reads only rows in the schema's key order, and a client that writes
 * its rows in another one (a dict built in its own order, a data frame whose columns are arranged
 * differently) had every body read by JSON.parse, about twice the reader's time. Such an order is
 * learned from the bodies JSON.parse read: the second body whose first row has it gets a reader
 * generated for it (the same generator, the properties taken in that order, so each row is still
 * exactly JSON.parse's value, its keys in the body's order), warmed in the background as a model's
 * own reader is on load (warm-fast-rows.ts), and tried after the schema's from then on. At most
 * LEARNED_PER_SCHEMA orders a schema: a caller sending ever new orders costs no more than that many
 * generated readers and warm-ups per loaded model.
 */
import type { FeatureSchema } from './model/index.js';
import { fastRows, generateReader, type FastRows } from './fast-rows.js';
import { sampleBatch, warmReader, type WarmOptions } from './warm-fast-rows.js';

/** Orders learned per schema object (a reload brings a new one, which learns again). */
export const LEARNED_PER_SCHEMA = 4;
/** Bodies read by JSON.parse with the same first-row order before a reader is made for it: one client's habit, not one odd body. */
export const SEEN_BEFORE_LEARNING = 2;
/** Orders counted but not yet learned, per schema, before the count starts again. */
const COUNTED = 64;

interface Orders {
  /** Warmed readers of learned orders, most recently learned last. */
  readonly ready: FastRows[];
  /** Bodies seen by their first row's key order (its JSON), for orders not yet learned. */
  readonly seen: Map<string, number>;
  /** Orders learned or being learned (warming). */
  readonly learned: Set<string>;
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
  if (orders !== undefined) {
    // Another order declines at its first row's first key that differs: a few compares each.
    for (const reader of orders.ready) {
      const rows = reader[kind](bytes);
      if (rows !== undefined) return rows;
    }
  }
  return undefined;
}

/**
 * The key order of a first row, all of whose keys are the schema's and which has every key the
 * schema requires, followed by the keys it left out (in the schema's order); undefined for any other
 * row, or for one in the schema's own order (the reader declined that body for another reason: an
 * escape, a nested value, a later row).
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
    if (at === undefined) return undefined;
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

/**
 * After JSON.parse read a batch the readers declined (`rows`): counts its first row's key order,
 * and the SEEN_BEFORE_LEARNING-th time starts learning it. Resolves when that order's reader is
 * warmed and tried (at once when nothing was started); never rejects.
 */
export function noteOrder(schema: FeatureSchema, rows: readonly unknown[], warm: WarmOptions = {}): Promise<void> {
  const order = rowOrder(schema, rows[0]);
  if (order === undefined) return Promise.resolve();
  let orders = bySchema.get(schema);
  if (orders === undefined) bySchema.set(schema, (orders = { ready: [], seen: new Map(), learned: new Set() }));
  const key = JSON.stringify(order);
  if (orders.learned.has(key) || orders.learned.size >= LEARNED_PER_SCHEMA) return Promise.resolve();
  const seen = (orders.seen.get(key) ?? 0) + 1;
  if (seen < SEEN_BEFORE_LEARNING) {
    if (orders.seen.size >= COUNTED) orders.seen.clear();
    orders.seen.set(key, seen);
    return Promise.resolve();
  }
  orders.seen.delete(key);
  orders.learned.add(key);
  const view = inOrder(schema, order);
  const reader = generateReader(view);
  const learned = orders;
  return warmReader(reader, view, warm).then(
    () => {
      // A reader that declines its own sample (a schema it cannot read) is no use to try.
      if (reader.rows(sampleBatch(view, 1)) !== undefined) learned.ready.push(reader);
    },
    () => undefined,
  );
}
