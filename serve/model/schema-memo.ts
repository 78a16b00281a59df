/**
 * @module What is made from a feature schema (its ajv validator, its quick row check), made once
 * per schema: by object, and by content (its JSON), since a hot reload reads the same schema into a
 * new object and making it again (compiling ajv: 5–35 ms) would hold the serving event loop. The
 * last `max` contents are kept: a handful of schemas at most are ever served.
 */
import type { FeatureSchema } from './feature-schema.js';

/** `make`, called once per schema content; a `make` that throws is called again next time. */
export function memoBySchema<T>(make: (schema: FeatureSchema) => T, max = 16): (schema: FeatureSchema) => T {
  const byObject = new WeakMap<FeatureSchema, T>();
  const byContent = new Map<string, T>();
  return (schema) => {
    const known = byObject.get(schema);
    if (known !== undefined || byObject.has(schema)) return known as T;
    const key = JSON.stringify(schema);
    let made: T;
    if (byContent.has(key)) made = byContent.get(key) as T;
    else {
      made = make(schema);
      if (byContent.size >= max) byContent.delete(byContent.keys().next().value as string);
      byContent.set(key, made);
    }
    byObject.set(schema, made);
    return made;
  };
}
