/**
 * @module A quick yes to "is this row valid?" for rows whose own keys are all properties of the
 * feature schema (the rows serve/fast-rows.ts reads, a plain CSV or KServe V2 request whose columns
 * are all the schema's): one generated function of the properties' type, enum and range checks.
 * ajv (model/validate-row.ts) took ~0.4 µs a row of the example, 8 % of a 1,000-row batch's CPU,
 * most of it in its loop over the row's keys for additionalProperties, which such a row cannot
 * fail. The check only ever says yes where ajv would: false means "ask ajv", which then names the
 * fields.
 */
import type { FeatureSchema } from './model/index.js';
import { ownFieldSource } from './model/own-field.js';
import { memoBySchema } from './model/schema-memo.js';

/** true only when the validator of the schema accepts `row`, given that each of its own keys is a property of the schema. */
export type QuickRowCheck = (row: Readonly<Record<string, unknown>>) => boolean;

/** Keywords that never fail a value. */
const ANNOTATIONS = ['title', 'description', '$comment', 'examples', 'default', 'deprecated', 'readOnly', 'writeOnly'];
/** What a property's schema may hold for the check to be generated; any other keyword (pattern, format, $ref, …) leaves the schema to ajv alone. */
const PROPERTY_KEYWORDS = new Set([...ANNOTATIONS, 'type', 'enum', 'minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum']);
/**
 * The schema's own keywords the check allows. additionalProperties, whatever its value, concerns keys outside
 * the properties, which such a row has none of; patternProperties, propertyNames, min/maxProperties and the
 * combinators concern the properties too, so they leave the schema to ajv.
 */
const SCHEMA_KEYWORDS = new Set([...ANNOTATIONS, '$schema', '$id', 'type', 'properties', 'required', 'additionalProperties']);

/**
 * ajv's reading with the options validate-row.ts gives it (strictNumbers): a number or an integer is finite,
 * an integer has no fraction (-0 and 1e300 are integers).
 */
const TYPE_TESTS: Readonly<Record<string, (v: string) => string>> = {
  string: (v) => `typeof ${v} === "string"`,
  boolean: (v) => `typeof ${v} === "boolean"`,
  null: (v) => `${v} === null`,
  number: (v) => `(typeof ${v} === "number" && ${v} - ${v} === 0)`,
  integer: (v) => `(typeof ${v} === "number" && ${v} % 1 === 0)`,
};

const RANGE_TESTS: Readonly<Record<string, string>> = { minimum: '>=', maximum: '<=', exclusiveMinimum: '>', exclusiveMaximum: '<' };

/** Members an enum test can compare with ===, which is ajv's equality for them (fast-deep-equal: 0 and -0 equal). */
const primitive = (m: unknown) => m === null || typeof m === 'string' || typeof m === 'boolean' || (typeof m === 'number' && Number.isFinite(m));

/** The longest check generated, in characters: past this, V8 would run it interpreted, slower than ajv's code. */
const MAX_SOURCE = 24 * 1024;

/**
 * The check of rows whose keys are all `schema`'s properties, made once per schema (by content, as the
 * validators are: a reload of the same schema reuses the check V8 has compiled already); undefined when
 * the schema uses a keyword the check does not cover.
 */
export const quickRowCheck: (schema: FeatureSchema) => QuickRowCheck | undefined = memoBySchema(generateCheck);

/** Whether rows keyed by `names` (a CSV header, KServe V2 tensors) hold only properties of `schema`: the check's case. */
export const namesInSchema = (schema: FeatureSchema, names: readonly string[]): boolean => names.every((name) => Object.hasOwn(schema.properties, name));

/** The condition the value `v` (a variable) of a property must meet, or undefined for a keyword the check does not cover. */
function condition(v: string, property: unknown, required: boolean): string | undefined {
  const tests = valueTests(v, property);
  if (tests === undefined) return undefined;
  // ajv checks a property only when it is there (not undefined), and a required one must be.
  if (!required) return tests.length === 0 ? 'true' : `${v} === undefined || (${tests.join(' && ')})`;
  return [`${v} !== undefined`, ...tests].join(' && ');
}

/** What the value `v` (a variable) must meet for property schema `property`, when it is there; undefined for a keyword the check does not cover. */
function valueTests(v: string, property: unknown): string[] | undefined {
  if (property === true) return [];
  if (property === false) return ['false'];
  if (typeof property !== 'object' || property === null || Array.isArray(property)) return undefined;
  const p = property as Record<string, unknown>;
  if (!Object.keys(p).every((keyword) => PROPERTY_KEYWORDS.has(keyword))) return undefined;
  const tests: string[] = [];
  if (p.type !== undefined) {
    const types = [p.type].flat();
    if (types.length === 0 || !types.every((t): t is string => typeof t === 'string' && t in TYPE_TESTS)) return undefined;
    tests.push(`(${types.map((t) => (TYPE_TESTS[t] as (v: string) => string)(v)).join(' || ')})`);
  }
  if (p.enum !== undefined) {
    if (!Array.isArray(p.enum) || p.enum.length === 0 || !p.enum.every(primitive)) return undefined;
    tests.push(`(${p.enum.map((m) => `${v} === ${JSON.stringify(m)}`).join(' || ')})`);
  }
  for (const [keyword, op] of Object.entries(RANGE_TESTS)) {
    const limit = p[keyword];
    if (limit === undefined) continue;
    if (typeof limit !== 'number' || !Number.isFinite(limit)) return undefined;
    tests.push(`(typeof ${v} !== "number" || ${v} ${op} ${JSON.stringify(limit)})`);
  }
  return tests;
}

function generateCheck(schema: FeatureSchema): QuickRowCheck | undefined {
  if (!Object.keys(schema).every((keyword) => SCHEMA_KEYWORDS.has(keyword)) || schema.type !== 'object') return undefined;
  const required = new Set(schema.required ?? []);
  const names = Object.keys(schema.properties);
  // row["__proto__"] reads the prototype unless the row has that own key: left to ajv rather than relied on.
  if (names.includes('__proto__')) return undefined;
  const lines: string[] = ['"use strict";'];
  for (const [i, name] of names.entries()) {
    const test = condition(`v${i}`, schema.properties[name], required.has(name));
    if (test === undefined) return undefined;
    if (test === 'true') continue;
    // A name Object.prototype has is inherited by a row that lacks it; validate-row.ts reads own properties only for it.
    lines.push(`const v${i} = ${ownFieldSource('row', name)};`, `if (!(${test})) return false;`);
  }
  lines.push('return true;');
  const source = lines.join('\n');
  if (source.length > MAX_SOURCE) return undefined;
  return new Function('row', source) as QuickRowCheck;
}
