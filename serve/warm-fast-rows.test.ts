import { describe, expect, it } from 'vitest';
import { customerTable } from '../stages/lib/customer-table.js';
import { featureSchema } from '../stages/lib/feature-schema.js';
import { TINY_SCHEMA } from '../test/helpers/model-package.js';
import { fastRows, type FastRows } from './fast-rows.js';
import type { FeatureSchema } from './model/index.js';
import { sampleBatch, sampleLines, warmReader } from './warm-fast-rows.js';

describe('warmFastRows', () => {
  it.each([
    ['the churn example', featureSchema(customerTable)],
    ['the tiny test model', TINY_SCHEMA],
  ])("warms on a sample batch the reader reads itself (%s's schema), with every member, null, integers and fractions", (_what, schema) => {
    const body = sampleBatch(schema, 64);
    const rows = fastRows(schema).rows(body) as Record<string, unknown>[];
    // Declined, the warm-up would stop at its first call and compile nothing.
    expect(rows).toHaveLength(64);
    expect(rows).toEqual(JSON.parse(body.toString()));
    // Three quarters have every key; the rest leave out what the schema does not require, as live rows may.
    const required = new Set(schema.required ?? []);
    expect(Object.keys(schema.properties).length).toBeGreaterThan(required.size);
    expect(rows.slice(0, 48).every((row) => Object.keys(row).join() === Object.keys(schema.properties).join())).toBe(true);
    expect(rows.slice(48).every((row) => Object.keys(row).join() === Object.keys(schema.properties).filter((name) => required.has(name)).join())).toBe(true);
    // The same rows as NDJSON, read by lines: declined, its calls would warm nothing.
    expect(fastRows(schema).lines(sampleLines(schema, 64))).toEqual(rows);
    for (const [name, property] of Object.entries(schema.properties)) {
      const seen = new Set(rows.map((row) => row[name]));
      for (const member of (property.enum as unknown[] | undefined) ?? []) expect(seen).toContain(member);
      const types = [property.type ?? []].flat();
      if (types.includes('null')) expect(seen).toContain(null);
      if (types.includes('number')) expect([...seen].some((v) => typeof v === 'number' && !Number.isInteger(v))).toBe(true);
    }
  });

  /** `reader` with its calls counted, of rows (calls) and of lines. */
  const counted = (reader: FastRows): FastRows & { calls: number; linesCalls: number } => {
    const wrapper = {
      calls: 0,
      linesCalls: 0,
      row: reader.row,
      first: reader.first,
      lines: (bytes: Buffer) => {
        wrapper.linesCalls++;
        return reader.lines(bytes);
      },
      rows: (bytes: Buffer) => {
        wrapper.calls++;
        return reader.rows(bytes);
      },
    };
    return wrapper;
  };

  it('ends once the reader runs compiled, long before its budget, and at once for a reader warmed before or a schema the reader declines', async () => {
    // A reader of its own: the unit tests share their worker (isolate: false), and another file's churn reader, compiled
    // by its batches and not warmed (a fresh counted wrapper), would never get faster, and run out the budget. A member no
    // other schema has makes a schema of content of its own, so a reader generated and compiled here.
    const churn = featureSchema(customerTable);
    const [column, property] = Object.entries(churn.properties).find(([, p]) => Array.isArray(p.enum)) as [string, { enum: unknown[] }];
    const schema: FeatureSchema = { ...churn, properties: { ...churn.properties, [column]: { ...property, enum: [...property.enum, 'only in warm-fast-rows.test'] } } };
    // Compiled within ~45-150 calls here; a warm-up that ran out a 60 s budget would make tens of thousands.
    const reader = counted(fastRows(schema));
    await warmReader(reader, schema, { budgetMs: 60_000 });
    expect(reader.calls).toBeGreaterThan(4);
    expect(reader.calls).toBeLessThan(2_000);
    // Every timed call of rows is followed by one of lines (the first call of rows, on one row, only checks the reader reads the schema).
    expect(reader.linesCalls).toBe(reader.calls - 1);
    const calls = reader.calls;
    await warmReader(reader, schema, { budgetMs: 60_000 });
    expect(reader.calls).toBe(calls);
    // Another object with the same content (a reload) has the same, compiled reader.
    const reloaded = JSON.parse(JSON.stringify(schema)) as FeatureSchema;
    expect(fastRows(reloaded)).toBe(fastRows(schema));
    // A schema the reader declines: its one-row call says so, and nothing more is read.
    const odd: FeatureSchema = { ...schema, properties: { 'a"b': {} } };
    const declining = counted(fastRows(odd));
    await warmReader(declining, odd, { budgetMs: 60_000 });
    expect(declining.calls).toBe(1);
    expect(declining.linesCalls).toBe(0);
  });

  it('is not ended by one slow call early on (a GC or a preempted turn), only by calls compiled code makes', async () => {
    const schema = featureSchema(customerTable);
    /** A reader whose calls take `ms(call)` (the 1-row call first, then the sample batch's) on a clock only its calls advance. */
    const scripted = (ms: (call: number) => number): FastRows & { calls: number; now: () => number } => {
      let clock = 0;
      const reader = {
        calls: 0,
        now: () => clock,
        row: () => undefined,
        lines: () => undefined,
        first: () => false,
        rows: (bytes: Buffer) => {
          clock += ms(reader.calls++);
          return bytes.length > 0 ? [] : undefined;
        },
      };
      return reader;
    };
    // Never compiled, its second batch call slowed by a spike: the old rule (under a quarter of that one call) ended after 5 calls, still interpreted.
    const spiked = scripted((call) => (call === 2 ? 6 : 1));
    await warmReader(spiked, schema, { budgetMs: 80, now: spiked.now });
    expect(spiked.calls).toBeGreaterThan(70);
    // Compiled after ten calls, twenty times faster: done three calls later.
    const compiles = scripted((call) => (call <= 10 ? 1 : 0.05));
    await warmReader(compiles, schema, { budgetMs: 2_000, now: compiles.now });
    expect(compiles.calls).toBe(14);
  });
});
