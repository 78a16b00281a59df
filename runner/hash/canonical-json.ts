/**
 * @module JSON with sorted object keys, so equal values always compare and hash equal. Numbers JSON
 * cannot hold (YAML's `.inf`, `-.inf`, `.nan`) are written as a tagged object rather than as
 * JSON.stringify's `null`, so `lr: .inf` and `lr: -.inf` (or `null`) do not compare equal.
 */

/** The key of the object a non-finite number is written as (a NUL-led key YAML files do not hold). */
const NON_FINITE = '\u0000number';

export function canonicalJson(v: unknown): string {
  return JSON.stringify(v, (_k, value: unknown) =>
    typeof value === 'number'
      ? Number.isFinite(value)
        ? value
        : { [NON_FINITE]: String(value) }
      : value && typeof value === 'object' && !Array.isArray(value)
        ? Object.fromEntries(Object.entries(value as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
        : value,
  );
}
