/**
 * @module The feature schema (feature-schema.json in a model package): a JSON Schema (draft-07)
 * of one raw input row, written by training from its data contract and read by validateRow.
 */

export const FEATURE_SCHEMA_DIALECT = 'http://json-schema.org/draft-07/schema#';

/** The parts of the schema the runtime relies on; a property's own schema is plain JSON Schema. */
export interface FeatureSchema {
  readonly $schema: typeof FEATURE_SCHEMA_DIALECT;
  readonly title?: string;
  readonly type: 'object';
  /** One entry per column a row may have: the model's input columns, and optionally the row's key. */
  readonly properties: Readonly<Record<string, Readonly<Record<string, unknown>>>>;
  readonly required?: readonly string[];
  /** false in schemas pipe writes: a field the model does not know is an error, not ignored. */
  readonly additionalProperties?: boolean;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Checks the shape of parsed JSON; whether ajv accepts the rest is checked when it is compiled. */
export function assertFeatureSchema(value: unknown): asserts value is FeatureSchema {
  if (!isObject(value)) throw new TypeError('expected a JSON Schema object');
  if (value.$schema !== FEATURE_SCHEMA_DIALECT) {
    throw new TypeError(`$schema is ${JSON.stringify(value.$schema)}; expected "${FEATURE_SCHEMA_DIALECT}"`);
  }
  if (value.type !== 'object' || !isObject(value.properties) || !Object.values(value.properties).every(isObject)) {
    throw new TypeError('expected "type": "object" and "properties" with a schema per column');
  }
  const properties = value.properties;
  // As a field of a row it is the row's prototype to every object literal and store, and KServe V2 cannot carry it.
  if (Object.hasOwn(properties, '__proto__')) throw new TypeError('a column may not be named "__proto__"; rename it in the data');
  const required = value.required ?? [];
  if (!Array.isArray(required) || required.some((name) => typeof name !== 'string' || !Object.hasOwn(properties, name))) {
    throw new TypeError('"required" must list names of "properties"');
  }
}
