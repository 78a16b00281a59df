import { describe, expect, it } from 'vitest';
import { customerTable } from '../stages/lib/customer-table.js';
import { featureSchema } from '../stages/lib/feature-schema.js';
import { churnRows } from '../test/helpers/churn-rows.js';
import { exactly } from '../test/helpers/exactly.js';
import { batchRows } from './batch-input.js';
import { LEARNED_PER_SCHEMA, LEARN_INTERVAL_MS, SEEN_BEFORE_LEARNING, noteOrder, readRows, rowOrder, type NoteOptions } from './key-orders.js';
import type { FeatureSchema } from './model/index.js';

/** A schema object of its own (what is learned is per schema object), with the churn example's content. */
const freshSchema = (): FeatureSchema => ({ ...featureSchema(customerTable) });

/** `rows` with their keys in `order` (keys a row lacks left out). */
const reordered = (rows: Record<string, unknown>[], order: readonly string[]) => rows.map((row) => Object.fromEntries(order.filter((name) => Object.hasOwn(row, name)).map((name) => [name, row[name]])));
const json = (rows: unknown[]) => Buffer.from(JSON.stringify(rows));
const ndjson = (rows: unknown[]) => Buffer.from(rows.map((row) => JSON.stringify(row)).join('\n'));

/**
 * A learner with its own clock, which a call moves on by LEARN_INTERVAL_MS unless told otherwise,
 * and a warm-up that ends at once (budget 0) and counts the clock readings it makes.
 */
function learner(schema: FeatureSchema) {
  let now = 0;
  const state = { warmReadings: 0 };
  const options = (): NoteOptions => ({ clock: () => now, budgetMs: 0, now: () => (state.warmReadings++, 0) });
  return {
    state,
    /** noteOrder of the body `rows`, `times` times, each a learning interval apart. */
    async note(rows: Record<string, unknown>[], times = SEEN_BEFORE_LEARNING) {
      for (let i = 0; i < times; i++) {
        now += LEARN_INTERVAL_MS;
        await noteOrder(schema, rows, options());
      }
    },
    /** Calls not awaited one by one: all within one learning interval, or with `apart` each an interval after the one before. */
    notesAtOnce(bodies: Record<string, unknown>[][], apart = false) {
      now += LEARN_INTERVAL_MS;
      return Promise.all(
        bodies.map((rows) => {
          if (apart) now += LEARN_INTERVAL_MS;
          return noteOrder(schema, rows, options());
        }),
      );
    },
    /** noteOrder of the body `rows` once, the clock not moved on. */
    noteNow(rows: Record<string, unknown>[]) {
      return noteOrder(schema, rows, options());
    },
  };
}

const reads = (schema: FeatureSchema, rows: Record<string, unknown>[]) => readRows(schema, json(rows), 'rows') !== undefined;

describe('rowOrder', () => {
  const schema = featureSchema(customerTable);
  const names = Object.keys(schema.properties);
  const optional = names.filter((name) => !(schema.required ?? []).includes(name));

  it("is a first row's key order when it is not the schema's, the keys it left out after it", () => {
    const [row] = churnRows(1) as [Record<string, unknown>];
    const reversed = [...names].reverse();
    expect(rowOrder(schema, reordered([row], reversed)[0])).toEqual(reversed);
    // An optional key left out comes last.
    const [first] = reordered([row], reversed.filter((name) => name !== optional[0]));
    expect(rowOrder(schema, first)).toEqual([...reversed.filter((name) => name !== optional[0]), optional[0]]);
  });

  it("is undefined for the schema's own order (also with keys left out), a key the schema lacks, a required key missing, or no object", () => {
    const [row] = churnRows(1) as [Record<string, unknown>];
    expect(rowOrder(schema, row)).toBeUndefined();
    expect(rowOrder(schema, reordered([row], names.filter((name) => name !== optional[0]))[0])).toBeUndefined();
    expect(rowOrder(schema, { extra: 1, ...reordered([row], [...names].reverse())[0] })).toBeUndefined();
    const required = (schema.required ?? [])[0] as string;
    expect(rowOrder(schema, reordered([row], [...names].reverse().filter((name) => name !== required))[0])).toBeUndefined();
    for (const value of [null, 1, 'x', [row]]) expect(rowOrder(schema, value)).toBeUndefined();
  });

  it('is undefined for a row with an index-like key, whose own keys do not say the order the body wrote', () => {
    const numbered: FeatureSchema = { ...schema, properties: { a: { type: 'integer' }, '2': { type: 'integer' }, b: { type: 'integer' } }, required: [] };
    // The body wrote b, 2, a; JavaScript lists 2 first.
    const row = JSON.parse('{"b":1,"2":2,"a":3}') as object;
    expect(Object.keys(row)).toEqual(['2', 'b', 'a']);
    expect(rowOrder(numbered, row)).toBeUndefined();
    expect(rowOrder(numbered, { b: 1, a: 3 })).toEqual(['b', 'a', '2']);
    // 2^32 - 1 is no array index: listed where it was written.
    const big: FeatureSchema = { ...numbered, properties: { a: { type: 'integer' }, '4294967295': { type: 'integer' } } };
    expect(rowOrder(big, JSON.parse('{"4294967295":1,"a":2}'))).toEqual(['4294967295', 'a']);
  });
});

describe('learning a key order', () => {
  const rows = churnRows(40);
  const names = Object.keys(featureSchema(customerTable).properties);
  const reversed = [...names].reverse();
  /** Orders that differ from each other at their first key. */
  const rotated = (k: number) => [...names.slice(k + 1), ...names.slice(0, k + 1)];

  it('reads a body in a learned order exactly as JSON.parse does, after the second body in that order, as JSON and as NDJSON', async () => {
    const schema = freshSchema();
    const learn = learner(schema);
    const body = json(reordered(rows, reversed));
    expect(readRows(schema, body, 'rows')).toBeUndefined();
    await learn.note(reordered(rows, reversed), SEEN_BEFORE_LEARNING - 1);
    expect(readRows(schema, body, 'rows')).toBeUndefined();
    await learn.note(reordered(rows, reversed), 1);
    // The reader was warmed before it was tried.
    expect(learn.state.warmReadings).toBeGreaterThan(0);
    expect(exactly(readRows(schema, body, 'rows'))).toBe(exactly(JSON.parse(body.toString())));
    const lines = ndjson(reordered(rows, reversed));
    expect(exactly(readRows(schema, lines, 'lines'))).toBe(exactly(reordered(rows, reversed)));
    // Rows leaving an optional key out, in the learned order, too: each exactly JSON.parse's.
    const sparse = json(reordered(rows, reversed.filter((name) => name !== 'customer_id')));
    expect(exactly(readRows(schema, sparse, 'rows'))).toBe(exactly(JSON.parse(sparse.toString())));
    // A body in the learned order that JSON.parse would read otherwise (a duplicate key, an escape) is still declined.
    const first = JSON.stringify(reordered(rows, reversed)[0]);
    expect(readRows(schema, Buffer.from(`[${first.replace('{', '{"gender":"Male",')}]`), 'rows')).toBeUndefined();
    expect(readRows(schema, Buffer.from(`[${first.replace(/"customer_id":"/, '"customer_id":"\\u0041')}]`), 'rows')).toBeUndefined();
    // The schema's own order is still read; an order not learned is not.
    expect(exactly(readRows(schema, json(rows), 'rows'))).toBe(exactly(rows));
    expect(reads(schema, reordered(rows, rotated(0)))).toBe(false);
    // A new schema object (a reload) starts learning again.
    expect(reads(freshSchema(), reordered(rows, reversed))).toBe(false);
  });

  it('learns through batchRows, from JSON and from NDJSON bodies: the same rows before and after, then read as rows of the schema (quick-checked)', async () => {
    for (const [type, encode] of [
      ['application/json', json],
      ['application/x-ndjson', ndjson],
    ] as const) {
      const schema = freshSchema();
      const body = encode(reordered(rows, reversed));
      const before = await batchRows(type, body, schema);
      expect(before.inSchema).toBe(false);
      let after = before;
      // batchRows starts the warm-up and does not wait for it: the body is read by JSON.parse until it is done.
      for (let i = 0; i < 400 && !after.inSchema; i++) {
        after = await batchRows(type, body, schema);
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
      expect(after.inSchema, type).toBe(true);
      expect(exactly(after.rows)).toBe(exactly(before.rows));
    }
  });

  it('learns an order once, from bodies whose every row is in it (values JSON.parse alone reads are no matter)', async () => {
    const schema = freshSchema();
    const learn = learner(schema);
    await learn.note(reordered(rows, reversed));
    const warmed = learn.state.warmReadings;
    await learn.note(reordered(rows, reversed), 6);
    expect(learn.state.warmReadings).toBe(warmed);
    // A first row in one order and the rest in another teaches nothing, however often it comes; a clean body then does.
    const mixed = [...reordered(rows.slice(0, 1), rotated(0)), ...reordered(rows.slice(1), rotated(1))];
    await learn.note(mixed, 4);
    expect(learn.state.warmReadings).toBe(warmed);
    expect(reads(schema, reordered(rows, rotated(0)))).toBe(false);
    await learn.note(reordered(rows, rotated(0)), 1);
    expect(reads(schema, reordered(rows, rotated(0)))).toBe(true);
    // A body only JSON.parse reads (an escaped quote, as any client may send) teaches its order all the same.
    const escaped = reordered(rows, rotated(2)).map((row, i) => (i === 3 ? { ...row, customer_id: 'say "hi"' } : row));
    await learn.note(escaped, 2);
    expect(reads(schema, reordered(rows, rotated(2)))).toBe(true);
    expect(readRows(schema, json(escaped), 'rows')).toBeUndefined();
  });

  it('a failed warm-up keeps nothing, does not reject, and leaves learning open for the next order', async () => {
    const schema = freshSchema();
    const body = reordered(rows, reversed);
    const failing: NoteOptions = {
      clock: () => 0,
      budgetMs: 0,
      now: () => {
        throw new Error('the warm-up failed');
      },
    };
    for (let i = 0; i < SEEN_BEFORE_LEARNING; i++) await expect(noteOrder(schema, body, failing)).resolves.toBeUndefined();
    expect(reads(schema, body)).toBe(false);
    const learn = learner(schema);
    await learn.note(reordered(rows, rotated(0)));
    expect(reads(schema, reordered(rows, rotated(0)))).toBe(true);
    // Counted from one again, as an order that never was.
    await learn.note(body, 1);
    expect(reads(schema, body)).toBe(false);
    await learn.note(body, 1);
    expect(reads(schema, body)).toBe(true);
  });

  it(`keeps ${LEARNED_PER_SCHEMA} orders a schema: a new one takes the place of the one read least recently`, async () => {
    const schema = freshSchema();
    const learn = learner(schema);
    const orders = Array.from({ length: LEARNED_PER_SCHEMA }, (_, k) => rotated(k));
    for (const order of orders) await learn.note(reordered(rows, order));
    expect(orders.map((order) => reads(schema, reordered(rows, order)))).toEqual(orders.map(() => true));
    // Each read once more but the second: it goes when a fifth order comes, and can come back later.
    for (const [k, order] of orders.entries()) if (k !== 1) reads(schema, reordered(rows, order));
    await learn.note(reordered(rows, reversed));
    expect(reads(schema, reordered(rows, reversed))).toBe(true);
    expect(orders.map((order) => reads(schema, reordered(rows, order)))).toEqual(orders.map((_, k) => k !== 1));
    // Counted from one again: its first body after it went is not enough.
    await learn.note(reordered(rows, orders[1] as string[]), 1);
    expect(reads(schema, reordered(rows, orders[1] as string[]))).toBe(false);
    await learn.note(reordered(rows, orders[1] as string[]), 1);
    expect(reads(schema, reordered(rows, orders[1] as string[]))).toBe(true);
  });

  it('starts one learning at a time and one a learning interval, whatever arrives meanwhile', async () => {
    const schema = freshSchema();
    const learn = learner(schema);
    // Six orders, each seen enough, all within one interval and not awaited one by one: one is learned.
    const orders = Array.from({ length: 6 }, (_, k) => rotated(k));
    await learn.notesAtOnce(orders.map((order) => reordered(rows, order)));
    await learn.notesAtOnce(orders.map((order) => reordered(rows, order)));
    expect(orders.filter((order) => reads(schema, reordered(rows, order)))).toHaveLength(1);
    // Another order's bodies within the interval are counted, not learned; the first after it is.
    await learn.noteNow(reordered(rows, reversed));
    await learn.noteNow(reordered(rows, reversed));
    expect(reads(schema, reordered(rows, reversed))).toBe(false);
    await learn.note(reordered(rows, reversed), 1);
    expect(reads(schema, reordered(rows, reversed))).toBe(true);
    // The six again, an interval apart each, while the first is still warming: one more.
    await learn.notesAtOnce(orders.map((order) => reordered(rows, order)), true);
    expect(orders.filter((order) => reads(schema, reordered(rows, order)))).toHaveLength(2);
  });

  it('forgets counts past a bound: an order seen once, then 64 others, is counted from one again', async () => {
    const schema = freshSchema();
    const learn = learner(schema);
    await learn.note(reordered(rows, reversed), 1);
    // 64 other orders (the schema's with two keys swapped), each once: none is learned, and the counts fill up.
    const pairs = names.flatMap((_, i) => names.map((__, j) => [i, j] as const).filter(([x, y]) => x < y)).slice(0, 64);
    for (const [i, j] of pairs) {
      const order = [...names];
      [order[i], order[j]] = [order[j] as string, order[i] as string];
      await learn.note(reordered(rows.slice(0, 1), order), 1);
    }
    expect(learn.state.warmReadings).toBe(0);
    await learn.note(reordered(rows, reversed), 1);
    expect(reads(schema, reordered(rows, reversed))).toBe(false);
    await learn.note(reordered(rows, reversed), 1);
    expect(reads(schema, reordered(rows, reversed))).toBe(true);
  });

  it('tries a declined body with one learned reader at most: the first that reads its first row, and the right one once a body shows it', async () => {
    const schema = freshSchema();
    const learn = learner(schema);
    // Two orders of the same keys but one optional, which comes first in one and last in the other.
    const optional = 'customer_id';
    expect(schema.required).not.toContain(optional);
    const others = names.filter((name) => name !== optional).reverse();
    const first = [optional, ...others];
    const last = [...others, optional];
    await learn.note(reordered(rows, first));
    await learn.note(reordered(rows, last));
    expect(reads(schema, reordered(rows, first))).toBe(true);
    expect(reads(schema, reordered(rows, last))).toBe(true);
    // A first row without the optional key, which both readers read, then rows in the second order: the first
    // order's reader is the one tried (one scan, not two), and declines it.
    const body = [...reordered(rows.slice(0, 1), others), ...reordered(rows.slice(1), last)];
    expect(readRows(schema, json(body), 'rows')).toBeUndefined();
    // JSON.parse's rows show the second order (the first row's keys, then the one it left out): its reader comes first.
    await learn.note(body, 1);
    expect(exactly(readRows(schema, json(body), 'rows'))).toBe(exactly(body));
    // Bodies in the first order are still read by theirs: their first row is read only by it.
    expect(reads(schema, reordered(rows, first))).toBe(true);
  });

  it('learns nothing from bodies in the schema order declined for another reason, nor from rows of other keys', async () => {
    const schema = freshSchema();
    const learn = learner(schema);
    const escaped = [{ ...rows[0], customer_id: 'a\\"b' }, ...rows.slice(1)];
    const other = reordered(rows, reversed).map((row) => ({ ...row, extra: 1 }));
    await learn.note(escaped, 3);
    await learn.note(other, 3);
    expect(learn.state.warmReadings).toBe(0);
    expect(reads(schema, reordered(rows, reversed))).toBe(false);
  });
});
