import { describe, expect, it } from 'vitest';
import { customerTable } from '../stages/lib/customer-table.js';
import { featureSchema } from '../stages/lib/feature-schema.js';
import { TINY_SCHEMA } from '../test/helpers/model-package.js';
import { fastRows } from './fast-rows.js';
import type { FeatureSchema } from './model/index.js';
import { sampleBatch, warmFastRows } from './warm-fast-rows.js';

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
    for (const row of rows) expect(Object.keys(row)).toEqual(Object.keys(schema.properties));
    for (const [name, property] of Object.entries(schema.properties)) {
      const seen = new Set(rows.map((row) => row[name]));
      for (const member of (property.enum as unknown[] | undefined) ?? []) expect(seen).toContain(member);
      const types = [property.type ?? []].flat();
      if (types.includes('null')) expect(seen).toContain(null);
      if (types.includes('number')) expect([...seen].some((v) => typeof v === 'number' && !Number.isInteger(v))).toBe(true);
    }
  });

  it('ends once the reader runs compiled, well inside its budget, and at once for a reader warmed before or a schema the reader declines', async () => {
    const schema = featureSchema(customerTable);
    let t = performance.now();
    await warmFastRows({ ...schema }, { budgetMs: 10_000 });
    expect(performance.now() - t).toBeLessThan(5_000);
    // Another object with the same content (a reload) has the same, compiled reader.
    const reloaded = JSON.parse(JSON.stringify(schema)) as FeatureSchema;
    expect(fastRows(reloaded)).toBe(fastRows(schema));
    t = performance.now();
    await warmFastRows(reloaded, { budgetMs: 10_000 });
    expect(performance.now() - t).toBeLessThan(100);
    const odd: FeatureSchema = { ...schema, properties: { 'a"b': {} } };
    t = performance.now();
    await warmFastRows(odd, { budgetMs: 10_000 });
    expect(performance.now() - t).toBeLessThan(100);
  });
});
