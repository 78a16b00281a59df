import { describe, expect, it } from 'vitest';
import { customerTable } from '../stages/lib/customer-table.js';
import { featureSchema } from '../stages/lib/feature-schema.js';
import { churnRows } from '../test/helpers/churn-rows.js';
import { exactly } from '../test/helpers/exactly.js';
import { batchRows } from './batch-input.js';
import { LEARNED_PER_SCHEMA, SEEN_BEFORE_LEARNING, noteOrder, readRows, rowOrder } from './key-orders.js';
import type { FeatureSchema } from './model/index.js';

/** A schema object of its own (what is learned is per schema object), with the churn example's content. */
const freshSchema = (): FeatureSchema => ({ ...featureSchema(customerTable) });
/** A warm-up that ends at once: the tests look at what is read, not at how fast. */
const quick = { budgetMs: 0 };

/** `rows` with their keys in `order` (keys a row lacks left out). */
const reordered = (rows: Record<string, unknown>[], order: readonly string[]) => rows.map((row) => Object.fromEntries(order.filter((name) => Object.hasOwn(row, name)).map((name) => [name, row[name]])));
const json = (rows: unknown[]) => Buffer.from(JSON.stringify(rows));
const ndjson = (rows: unknown[]) => Buffer.from(rows.map((row) => JSON.stringify(row)).join('\n'));

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
});

describe('learning a key order', () => {
  const rows = churnRows(40);
  const names = Object.keys(featureSchema(customerTable).properties);
  const reversed = [...names].reverse();

  it('reads a body in a learned order exactly as JSON.parse does, after the second body in that order, as JSON and as NDJSON', async () => {
    const schema = freshSchema();
    const body = json(reordered(rows, reversed));
    expect(readRows(schema, body, 'rows')).toBeUndefined();
    for (let seen = 1; seen < SEEN_BEFORE_LEARNING; seen++) await noteOrder(schema, JSON.parse(body.toString()), quick);
    expect(readRows(schema, body, 'rows')).toBeUndefined();
    await noteOrder(schema, JSON.parse(body.toString()), quick);
    expect(exactly(readRows(schema, body, 'rows'))).toBe(exactly(JSON.parse(body.toString())));
    const lines = ndjson(reordered(rows, reversed));
    expect(exactly(readRows(schema, lines, 'lines'))).toBe(exactly(reordered(rows, reversed)));
    // Rows leaving an optional key out, in the learned order, too: each exactly JSON.parse's.
    const sparse = json(reordered(rows, reversed.filter((name) => name !== 'customer_id')));
    expect(exactly(readRows(schema, sparse, 'rows'))).toBe(exactly(JSON.parse(sparse.toString())));
    // The schema's own order is still read; a third order is not (not learned).
    expect(exactly(readRows(schema, json(rows), 'rows'))).toBe(exactly(rows));
    const third = [...names.slice(1), names[0] as string];
    expect(readRows(schema, json(reordered(rows, third)), 'rows')).toBeUndefined();
  });

  it('learns through batchRows: the same rows before and after, and then read as rows of the schema (quick-checked)', async () => {
    const schema = freshSchema();
    const body = json(reordered(rows, reversed));
    const before = await batchRows('application/json', body, schema);
    expect(before.inSchema).toBe(false);
    let after = before;
    // batchRows starts the warm-up and does not wait for it: the body is read by JSON.parse until it is done.
    for (let i = 0; i < 200 && !after.inSchema; i++) {
      after = await batchRows('application/json', body, schema);
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    expect(after.inSchema).toBe(true);
    expect(exactly(after.rows)).toBe(exactly(before.rows));
    // NDJSON of that order is read by the learned reader too.
    const lines = await batchRows('application/x-ndjson', ndjson(reordered(rows, reversed)), schema);
    expect(lines.inSchema).toBe(true);
    expect(exactly(lines.rows)).toBe(exactly(before.rows));
  });

  it(`learns at most ${LEARNED_PER_SCHEMA} orders a schema, and each order once`, async () => {
    const schema = freshSchema();
    const orders = Array.from({ length: LEARNED_PER_SCHEMA + 2 }, (_, k) => [...names.slice(k + 1), ...names.slice(0, k + 1)]);
    for (const order of orders) for (let seen = 0; seen < SEEN_BEFORE_LEARNING + 1; seen++) await noteOrder(schema, reordered(rows, order), quick);
    const read = orders.map((order) => readRows(schema, json(reordered(rows, order)), 'rows') !== undefined);
    expect(read).toEqual(orders.map((_, k) => k < LEARNED_PER_SCHEMA));
  });

  it('learns nothing from bodies in the schema order declined for another reason, nor from rows of other keys', async () => {
    const schema = freshSchema();
    const escaped = [{ ...rows[0], customer_id: 'a\\"b' }, ...rows.slice(1)];
    const other = reordered(rows, reversed).map((row) => ({ ...row, extra: 1 }));
    for (let seen = 0; seen < SEEN_BEFORE_LEARNING + 1; seen++) {
      await noteOrder(schema, escaped, quick);
      await noteOrder(schema, other, quick);
    }
    expect(readRows(schema, json(reordered(rows, reversed)), 'rows')).toBeUndefined();
  });
});
