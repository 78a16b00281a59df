/** @module Rounds numbers in metric files that people read and diff across revisions. */

/** `x` rounded to `digits` decimals (non-finite values pass through). */
export function round(x: number, digits = 6): number {
  if (!Number.isFinite(x)) return x;
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}
