import { describe, expect, it, onTestFinished, vi } from 'vitest';
import { customerTable } from '../stages/lib/customer-table.js';
import { featureSchema } from '../stages/lib/feature-schema.js';
import { seededRandom } from '../stages/lib/seeded-random.js';
import { churnRows } from '../test/helpers/churn-rows.js';
import { quickRowCheck } from './quick-row-check.js';
import { rowValidator, type FeatureSchema } from './model/index.js';

const DIALECT = 'http://json-schema.org/draft-07/schema#' as const;
const schemaOf = (properties: FeatureSchema['properties'], rest: Record<string, unknown> = {}): FeatureSchema => ({ $schema: DIALECT, type: 'object', properties, ...rest });

/** Values a row's field may hold, JSON's and a caller's object's: the edges of every test the check generates. */
const VALUES: readonly unknown[] = [
  0, -0, 1, -1, 2.5, 72, 73, 71.999, 250, 1e300, -1e300, Number.NaN, Infinity, -Infinity, 5e-324,
  '', 'basic', 'plus', 'Basic', 'basic ', '0', '1', 'true', 'null', 'caf\u00e9', '\u2028',
  null, true, false, undefined, {}, [], ['basic'], { basic: 1 },
];

function pick<T>(random: () => number, items: readonly T[]): T {
  return items[Math.floor(random() * items.length)] as T;
}

/** A property schema of the keywords the check covers, drawn at random (or true/false). */
function randomProperty(random: () => number): unknown {
  const roll = random();
  if (roll < 0.04) return true;
  if (roll < 0.06) return false;
  const p: Record<string, unknown> = {};
  if (random() < 0.6) {
    const types = ['string', 'number', 'integer', 'null', 'boolean'].filter(() => random() < 0.35);
    if (types.length > 0) p.type = types.length === 1 && random() < 0.5 ? types[0] : types;
  }
  if (random() < 0.4) p.enum = [...new Set(Array.from({ length: 1 + Math.floor(random() * 4) }, () => pick(random, [0, 1, 72, 2.5, -0, 'basic', 'plus', '0', '', null, true, false])))];
  for (const keyword of ['minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum']) if (random() < 0.2) p[keyword] = pick(random, [0, 1, 72, 2.5, -1]);
  if (random() < 0.2) p.description = 'a field';
  return p;
}

describe('quickRowCheck', () => {
  it("accepts the churn example's rows, and says no to each kind of error ajv names", () => {
    const schema = featureSchema(customerTable);
    const check = quickRowCheck(schema);
    expect(check).toBeTypeOf('function');
    const rows = churnRows(500);
    expect(rows.filter((row) => check?.(row))).toHaveLength(500);
    const validate = rowValidator(schema);
    const [row] = rows as [Record<string, unknown>];
    for (const [field, value] of [['tenure_months', 73], ['tenure_months', 1.5], ['tenure_months', '12'], ['contract', 'Three year'], ['monthly_charges', Infinity], ['tech_support', 7], ['customer_id', 12]] as const) {
      const bad = { ...row, [field]: value };
      expect(check?.(bad), `${field}: ${String(value)}`).toBe(false);
      expect(validate(bad).map((e) => e.field)).toEqual([field]);
    }
  });

  it('says yes exactly where ajv does, over random schemas and rows of every kind of value', () => {
    // ajv's strict mode warns of a range on a property without a number type; the schemas are random.
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    onTestFinished(() => warn.mockRestore());
    const rng = seededRandom(16);
    const random = () => rng.next();
    let schemas = 0;
    let accepted = 0;
    for (let s = 0; s < 300; s++) {
      // Names Object.prototype has (a row without them inherits them), and names that need escaping in generated code.
      const names = [...new Set(Array.from({ length: 1 + Math.floor(random() * 4) }, (_, i) => (random() < 0.8 ? `f${i}` : pick(random, ['constructor', 'toString', 'valueOf', 'a"b\\', '\u2028', '${x}']))))];
      const properties = Object.fromEntries(names.map((name) => [name, randomProperty(random)])) as FeatureSchema['properties'];
      const schema = schemaOf(properties, { required: names.filter(() => random() < 0.5), additionalProperties: random() < 0.5 ? false : true });
      let validate: ReturnType<typeof rowValidator>;
      try {
        validate = rowValidator(schema);
      } catch {
        continue; // A schema ajv's strict mode refuses (say, a type that contradicts an enum) never reaches a service.
      }
      schemas++;
      const check = quickRowCheck(schema);
      expect(check, JSON.stringify(schema)).toBeTypeOf('function');
      for (let r = 0; r < 200; r++) {
        // Some keys left out: a row's keys are among the schema's properties, not always all of them.
        const row: Record<string, unknown> = Object.fromEntries(names.filter(() => random() >= 0.15).map((name) => [name, pick(random, VALUES)]));
        const valid = validate(row).length === 0;
        const quick = (check as (row: unknown) => boolean)(row);
        // Never yes where ajv says no; and no only where ajv says no, except a non-finite number that a range
        // without a type lets through in ajv (strictNumbers checks ranges on finite numbers only).
        const nonFinite = Object.values(row).some((value) => typeof value === 'number' && !Number.isFinite(value));
        if (!nonFinite) expect(quick, `${JSON.stringify(schema)} ${String(Object.values(row).map(String))}`).toBe(valid);
        else if (quick) expect(valid).toBe(true);
        if (quick) accepted++;
      }
    }
    expect(schemas).toBeGreaterThan(200);
    expect(accepted).toBeGreaterThan(5000);
  });

  it('is not made for a schema with a keyword it does not cover: those rows are all ajv\'s', () => {
    const covered = schemaOf({ plan: { enum: ['basic'] }, x: { type: 'number', minimum: 0 } });
    expect(quickRowCheck(covered)).toBeTypeOf('function');
    for (const property of [{ type: 'string', pattern: '^a' }, { type: 'string', format: 'email' }, { type: 'string', maxLength: 3 }, { $ref: '#/definitions/x' }, { type: 'object' }, { type: 'array' }, { enum: [{ a: 1 }] }, { const: 1 }, { type: 'number', multipleOf: 2 }, { allOf: [{ type: 'number' }] }]) {
      expect(quickRowCheck(schemaOf({ ...covered.properties, odd: property })), JSON.stringify(property)).toBeUndefined();
    }
    for (const extra of [{ patternProperties: { '^x': { type: 'string' } } }, { propertyNames: { maxLength: 1 } }, { maxProperties: 1 }, { allOf: [] }, { dependencies: { x: ['plan'] } }]) {
      expect(quickRowCheck(schemaOf(covered.properties, extra)), JSON.stringify(extra)).toBeUndefined();
    }
    expect(quickRowCheck(schemaOf({ ...covered.properties, ['__proto__']: { type: 'string' } }))).toBeUndefined();
  });

  it('is made once per schema: a reload reads the same schema into a new object', () => {
    const schema = schemaOf({ x: { type: 'integer' } });
    expect(quickRowCheck(schema)).toBe(quickRowCheck(schema));
    expect(quickRowCheck(structuredClone(schema))).toBe(quickRowCheck(schema));
    expect(quickRowCheck(schemaOf({ x: { type: 'number' } }))).not.toBe(quickRowCheck(schema));
  });
});
