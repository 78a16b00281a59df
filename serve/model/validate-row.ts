/**
 * @module Validates one raw input row (a JSON object) against a feature schema with ajv, and says
 * per field what is wrong: what the inference service answers a bad request with. Each schema is
 * compiled once (by content: reloading a package with the same schema reuses it).
 */
import { Ajv, type ErrorObject } from 'ajv';
import type { FeatureSchema } from './feature-schema.js';
import { inheritedName } from './own-field.js';
import { memoBySchema } from './schema-memo.js';

export type RowErrorKind = 'missing' | 'unexpected' | 'type' | 'not-finite' | 'range' | 'category' | 'invalid';

export interface RowError {
  /** The field the error is about; '' for the row itself (not an object). */
  readonly field: string;
  readonly kind: RowErrorKind;
  /** Starts with the field, e.g. `tenure_months: 99 is above the maximum 72`. */
  readonly message: string;
}

export type RowValidator = (row: unknown) => RowError[];

// strictNumbers: NaN and ±Infinity are not numbers a model can take (JSON cannot carry them, but a caller's object can).
const OPTIONS = { allErrors: true, strictNumbers: true, allowUnionTypes: true } as const;
const ajv = new Ajv(OPTIONS);
// A column named as a member of Object.prototype (constructor, toString, …) is in every row that lacks it,
// inherited: a missing one would pass as present, an optional one fail as a function. Own properties only
// for such schemas: the check costs twice the validation time of any other.
let ownAjv: Ajv | undefined;
const ajvFor = (schema: FeatureSchema) => (Object.keys(schema.properties).some(inheritedName) ? (ownAjv ??= new Ajv({ ...OPTIONS, ownProperties: true })) : ajv);

const TYPE_NAMES: Readonly<Record<string, string>> = {
  integer: 'an integer',
  number: 'a number',
  string: 'a string',
  boolean: 'true or false',
  object: 'an object',
  array: 'a list',
  null: 'null',
};

function shown(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (typeof value === 'number') return String(value);
  let text: string | undefined;
  try {
    text = JSON.stringify(value);
  } catch {
    // JSON.parse takes lists nested ~5,000 deep (a 10 KB body) that JSON.stringify cannot print
    // (RangeError): a 500 for a bad request otherwise. Its kind is enough to say what is wrong
    // (a caller's BigInt throws too: not an object).
    if (typeof value !== 'object' || value === null) return typeof value;
    return Array.isArray(value) ? '[…]' : '{…}';
  }
  // JSON has nothing for a function or a symbol (a caller's object can hold one).
  if (text === undefined) return typeof value;
  return text.length > 60 ? `${text.slice(0, 59)}…` : text;
}

/** The top-level field a JSON pointer such as `/tenure_months` is about ('' for the row). */
function fieldOf(instancePath: string): string {
  const first = instancePath.split('/')[1];
  return first === undefined ? '' : first.replaceAll('~1', '/').replaceAll('~0', '~');
}

function rowError(error: ErrorObject, row: unknown): RowError {
  const p = error.params as Record<string, unknown>;
  if (error.keyword === 'required') {
    const field = String(p.missingProperty);
    return { field, kind: 'missing', message: `${field}: missing; the model needs it` };
  }
  if (error.keyword === 'additionalProperties') {
    const field = String(p.additionalProperty);
    // A key named "" would read as the row itself (": not an input").
    return { field, kind: 'unexpected', message: `${field === '' ? 'a field named ""' : field}: not an input of this model` };
  }
  const field = fieldOf(error.instancePath);
  const value = field === '' ? row : (row as Record<string, unknown>)[field];
  const label = field === '' ? 'the row' : field;
  switch (error.keyword) {
    case 'type': {
      if (typeof value === 'number' && !Number.isFinite(value)) {
        return { field, kind: 'not-finite', message: `${label}: expected a finite number, got ${shown(value)}` };
      }
      const expected = [p.type].flat().map((t) => TYPE_NAMES[String(t)] ?? String(t)).join(' or ');
      return { field, kind: 'type', message: `${label}: expected ${expected}, got ${shown(value)}` };
    }
    case 'minimum':
      return { field, kind: 'range', message: `${label}: ${shown(value)} is below the minimum ${String(p.limit)}` };
    case 'maximum':
      return { field, kind: 'range', message: `${label}: ${shown(value)} is above the maximum ${String(p.limit)}` };
    case 'exclusiveMinimum':
    case 'exclusiveMaximum':
      return { field, kind: 'range', message: `${label}: ${shown(value)} must be ${String(p.comparison)} ${String(p.limit)}` };
    case 'enum': {
      const allowed = p.allowedValues as unknown[];
      const choices = allowed.filter((v) => v !== null).map(shown).join(', ');
      const orNull = allowed.includes(null) ? ' (or null)' : '';
      // A number where only strings are allowed is the wrong type, not an unknown category.
      const kind = value !== null && typeof value !== 'string' && allowed.every((v) => v === null || typeof v === 'string') ? 'type' : 'category';
      return { field, kind, message: `${label}: ${shown(value)} is not one of ${choices}${orNull}` };
    }
    default:
      return { field, kind: 'invalid', message: `${label}: ${error.message ?? `fails "${error.keyword}"`}` };
  }
}

/**
 * The validator of `schema`, compiled on first use (once per schema content: schema-memo.ts); throws
 * ajv's error when the schema is not valid JSON Schema.
 */
export const rowValidator: (schema: FeatureSchema) => RowValidator = memoBySchema((schema) => {
  // ajv keeps schemas by $id: a reload whose schema has the same $id and other content would
  // throw 'already exists'. Validators already compiled from the old one keep working.
  const compiler = ajvFor(schema);
  const id = (schema as { $id?: unknown }).$id;
  if (typeof id === 'string') compiler.removeSchema(id);
  const validate = compiler.compile(schema);
  return (row) => (validate(row) ? [] : (validate.errors ?? []).map((e) => rowError(e, row)));
});

/** What is wrong with `row` as input of the model `schema` describes, one error per problem; [] when it is valid. */
export function validateRow(schema: FeatureSchema, row: unknown): RowError[] {
  return rowValidator(schema)(row);
}
