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

