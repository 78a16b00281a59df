import { describe, expect, it } from 'vitest';
import { assertFeatureSchema, type FeatureSchema } from './feature-schema.js';
import { rowValidator, validateRow } from './validate-row.js';

/** The shape training writes (stages/lib/feature-schema.ts): nullable columns may be null or absent. */
const schema: FeatureSchema = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  type: 'object',
  properties: {
    id: { type: 'string' },
    tenure: { type: 'integer', minimum: 0, maximum: 72 },
    charges: { type: ['number', 'null'], minimum: 0, maximum: 250 },
    plan: { enum: ['basic', 'plus', 'pro'] },
    method: { enum: ['card', 'check', null] },
  },
  required: ['tenure', 'plan'],
  additionalProperties: false,
};
const good = { id: 'c-1', tenure: 12, charges: 70.5, plan: 'plus', method: 'card' };
const { plan: _, ...withoutPlan } = good;

describe('validateRow', () => {
  it('accepts a valid row, with nullable fields null or left out', () => {
    expect(validateRow(schema, good)).toEqual([]);
    expect(validateRow(schema, { tenure: 0, plan: 'pro', charges: null, method: null })).toEqual([]);
    expect(validateRow(schema, { tenure: 72, plan: 'basic' })).toEqual([]);
  });

  it.each([
    ['missing', withoutPlan, 'plan', 'plan: missing; the model needs it'],
    ['unexpected', { ...good, churn: 1 }, 'churn', 'churn: not an input of this model'],
    ['type', { ...good, charges: '70' }, 'charges', 'charges: expected a number or null, got "70"'],
    ['type', { ...good, tenure: 2.5 }, 'tenure', 'tenure: expected an integer, got 2.5'],
    ['type', { ...good, tenure: null }, 'tenure', 'tenure: expected an integer, got null'],
    ['type', { ...good, plan: 3 }, 'plan', 'plan: 3 is not one of "basic", "plus", "pro"'],
    ['not-finite', { ...good, charges: Number.NaN }, 'charges', 'charges: expected a finite number, got NaN'],
    ['not-finite', { ...good, tenure: Number.POSITIVE_INFINITY }, 'tenure', 'tenure: expected a finite number, got Infinity'],
    ['range', { ...good, tenure: 99 }, 'tenure', 'tenure: 99 is above the maximum 72'],
    ['range', { ...good, charges: -1 }, 'charges', 'charges: -1 is below the minimum 0'],
    ['category', { ...good, plan: 'enterprise' }, 'plan', 'plan: "enterprise" is not one of "basic", "plus", "pro"'],
    ['category', { ...good, method: 'cash' }, 'method', 'method: "cash" is not one of "card", "check" (or null)'],
  ])('%s: names the field (%j)', (kind, row, field, message) => {
    expect(validateRow(schema, row)).toEqual([{ field, kind, message }]);
  });

  it('reports every wrong field of a row at once', () => {
    const errors = validateRow(schema, { tenure: -5, plan: 'x', extra: true });
    expect(errors.map((e) => [e.field, e.kind])).toEqual(
      expect.arrayContaining([
        ['extra', 'unexpected'],
        ['tenure', 'range'],
        ['plan', 'category'],
      ]),
    );
    expect(errors).toHaveLength(3);
  });

  it('says so when the row is not an object', () => {
    expect(validateRow(schema, [1, 2])).toEqual([{ field: '', kind: 'type', message: 'the row: expected an object, got [1,2]' }]);
    expect(validateRow(schema, null)[0]?.message).toBe('the row: expected an object, got null');
  });

  it('names a value nested too deep for JSON.stringify (5,000 levels, a 10 KB body) without printing it', () => {
    const deep = JSON.parse(`${'['.repeat(5000)}${']'.repeat(5000)}`) as unknown;
    const deepObject = JSON.parse(`${'{"a":'.repeat(5000)}1${'}'.repeat(5000)}`) as unknown;
    expect(validateRow(schema, { ...good, tenure: deep })).toEqual([{ field: 'tenure', kind: 'type', message: 'tenure: expected an integer, got […]' }]);
    expect(validateRow(schema, { ...good, plan: deepObject })).toEqual([{ field: 'plan', kind: 'type', message: 'plan: {…} is not one of "basic", "plus", "pro"' }]);
    expect(validateRow(schema, deep)).toEqual([{ field: '', kind: 'type', message: 'the row: expected an object, got […]' }]);
  });

  it("reads a column named as a member of Object.prototype from the row itself, not what every object inherits", () => {
    const odd: FeatureSchema = { ...schema, properties: { ...schema.properties, constructor: { type: 'string' }, toString: { enum: ['a', 'b'] } }, required: ['tenure', 'plan', 'constructor'] };
    const { constructor: _c, ...rest } = { ...good, constructor: 'x' };
    // Left out, the required one is missing and the optional one is not there (before: "present", and a function
    // JSON.stringify gives nothing for, which threw: a 500 for a bad request).
    expect(validateRow(odd, rest)).toEqual([{ field: 'constructor', kind: 'missing', message: 'constructor: missing; the model needs it' }]);
    expect(validateRow(odd, { ...rest, constructor: 'x' })).toEqual([]);
    expect(validateRow(odd, { ...rest, constructor: 'x', toString: 'c' })[0]).toMatchObject({ field: 'toString', kind: 'category' });
    expect(validateRow(schema, { ...good, tenure: () => 1 })).toEqual([{ field: 'tenure', kind: 'type', message: 'tenure: expected an integer, got function' }]);
    expect(validateRow(schema, { ...good, tenure: 10n })).toEqual([{ field: 'tenure', kind: 'type', message: 'tenure: expected an integer, got bigint' }]);
  });

  it('compiles a schema once and reuses the validator', () => {
    expect(rowValidator(schema)).toBe(rowValidator(schema));
    // A reloaded package reads the same schema into a new object: compiled once all the same.
    expect(rowValidator(structuredClone(schema))).toBe(rowValidator(schema));
  });

  it('compiles a new schema that keeps the $id of one compiled before (a reload of a retrained package)', () => {
    const v1 = { ...schema, $id: 'https://example.com/churn/features.json' } as FeatureSchema;
    const v2 = { ...v1, properties: { ...v1.properties, tenure: { type: 'integer', minimum: 0, maximum: 100 } } } as FeatureSchema;
    const first = rowValidator(v1);
    expect(rowValidator(v2)({ ...good, tenure: 90 })).toEqual([]);
    expect(first({ ...good, tenure: 90 })[0]?.field).toBe('tenure');
  });

  it('refuses a schema ajv cannot compile', () => {
    const broken = { ...schema, properties: { tenure: { type: 'integr' } } } as unknown as FeatureSchema;
    expect(() => rowValidator(broken)).toThrow(/schema is invalid/);
  });
});

describe('assertFeatureSchema', () => {
  it('accepts what training writes and names what is wrong otherwise', () => {
    expect(() => assertFeatureSchema(JSON.parse(JSON.stringify(schema)))).not.toThrow();
    expect(() => assertFeatureSchema({ ...schema, $schema: 'https://json-schema.org/draft/2020-12/schema' })).toThrow(/\$schema is "https:.*"; expected "http:\/\/json-schema.org\/draft-07\/schema#"/);
    expect(() => assertFeatureSchema({ ...schema, properties: undefined })).toThrow(/"properties"/);
    expect(() => assertFeatureSchema({ ...schema, required: ['tenure', 'age'] })).toThrow('"required" must list names of "properties"');
    expect(() => assertFeatureSchema(JSON.parse('{"$schema":"http://json-schema.org/draft-07/schema#","type":"object","properties":{"__proto__":{"type":"string"}}}'))).toThrow('a column may not be named "__proto__"; rename it in the data');
    // A name every object inherits is not a property unless the schema lists it.
    expect(() => assertFeatureSchema({ ...schema, required: ['tenure', 'toString'] })).toThrow('"required" must list names of "properties"');
  });
});
