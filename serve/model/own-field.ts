/**
 * @module A row's field by name, the row's own value only for a name every object inherits. A
 * column named as a member of Object.prototype (constructor, toString, …) reads, on a row that
 * left it out, the inherited function: validation (validate-row.ts, own properties for such
 * schemas) lets the row through as missing that optional column, and the encoder and the drift
 * monitor then took the function for a value (a 500, or a wrong score for a category). Every
 * reader of a row by a schema's or spec's name reads through here; for any other name it is the
 * plain load it was.
 */

/** Names a plain object has without owning them. */
export const inheritedName = (name: string): boolean => name in Object.prototype;

/** A JS expression reading field `name` of the object in variable `row`, for generated code (the name JSON-quoted: no injection). */
export function ownFieldSource(row: string, name: string): string {
  const quoted = JSON.stringify(name);
  return inheritedName(name) ? `(Object.hasOwn(${row}, ${quoted}) ? ${row}[${quoted}] : undefined)` : `${row}[${quoted}]`;
}

/** Field `name` of `row`: undefined where the row does not have it, even when every object inherits the name. */
export function ownField<T>(row: Readonly<Record<string, T>>, name: string): T | undefined {
  return inheritedName(name) && !Object.hasOwn(row, name) ? undefined : row[name];
}
