/**
 * @module A text that tells apart every difference JSON.parse's value and a reader's could have: key
 * order, own keys (an own `__proto__` too), prototypes, value types, -0 and every number bit.
 */
export function exactly(value: unknown): string {
  if (typeof value === 'number') return Object.is(value, -0) ? 'n:-0' : `n:${String(value)}`;
  if (typeof value === 'string') return `s:${JSON.stringify(value)}`;
  if (Array.isArray(value)) return `[${value.map(exactly).join(',')}]`;
  if (typeof value === 'object' && value !== null) {
    const proto = Object.getPrototypeOf(value) === Object.prototype ? '' : '!proto';
    return `{${proto}${Reflect.ownKeys(value).map((key) => `${String(key)}=${exactly((value as Record<string, unknown>)[key as string])}`).join(',')}}`;
  }
  return String(value);
}

/**
 * `value` with every own key whose value is undefined left out, in arrays and objects: a reader
 * of serve/fast-rows.ts gives an optional key a row leaves out as undefined, where JSON.parse has
 * no key (and JSON.parse never gives undefined, so a key the row has cannot hide here).
 */
export function leftOut(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(leftOut);
  if (typeof value !== 'object' || value === null || Object.getPrototypeOf(value) !== Object.prototype) return value;
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) if (v !== undefined) Object.defineProperty(out, key, { value: leftOut(v), enumerable: true, writable: true, configurable: true });
  return out;
}
