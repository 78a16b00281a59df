/** @module Compares two flattened files key by key: changed, added, removed or unchanged, with the numeric change. */

export type KeyState = 'changed' | 'added' | 'removed' | 'unchanged';

export interface KeyChange {
  readonly key: string;
  readonly state: KeyState;
  /** The value at A; absent (undefined) when the state is `added`. */
  readonly old?: unknown;
  /** The value at B; absent (undefined) when the state is `removed`. */
  readonly new?: unknown;
  /** new − old, when both are finite numbers (rounded to the decimals the two values have, so 0.3 − 0.1 is 0.2). */
  readonly diff?: number;
  /** diff relative to |old|, in percent, when both are numbers and old is not 0. */
  readonly pct?: number;
}

/** Every key of either side: B's keys in B's order, then the keys only A has, in A's order. */
export function compareFlat(a: ReadonlyMap<string, unknown>, b: ReadonlyMap<string, unknown>): KeyChange[] {
  const out: KeyChange[] = [];
  for (const [key, nv] of b) {
    if (!a.has(key)) {
      out.push({ key, state: 'added', new: nv });
      continue;
    }
    const ov = a.get(key);
    const state = sameValue(ov, nv) ? 'unchanged' : 'changed';
    if (isNumber(ov) && isNumber(nv)) {
      const diff = numericDiff(ov, nv);
      out.push({ key, state, old: ov, new: nv, diff, ...(ov !== 0 ? { pct: Number(((diff / Math.abs(ov)) * 100).toPrecision(12)) } : {}) });
    } else {
      out.push({ key, state, old: ov, new: nv });
    }
  }
  for (const [key, ov] of a) if (!b.has(key)) out.push({ key, state: 'removed', old: ov });
  return out;
}

/** b − a without binary floating-point noise: rounded to as many decimals as the more precise of the two has. */
export function numericDiff(a: number, b: number): number {
  const raw = b - a;
  const decimals = Math.max(decimalPlaces(a), decimalPlaces(b));
  return decimals <= 100 ? Number(raw.toFixed(decimals)) : raw;
}

function decimalPlaces(x: number): number {
  const m = /^-?\d*(?:\.(\d+))?(?:e([+-]\d+))?$/.exec(String(x));
  if (!m) return 0;
  return Math.max(0, (m[1]?.length ?? 0) - Number(m[2] ?? 0));
}

function isNumber(v: unknown): v is number {
  return typeof v === 'number' && Number.isFinite(v);
}

function sameValue(x: unknown, y: unknown): boolean {
  if (typeof x === 'number' && typeof y === 'number') return x === y || (Number.isNaN(x) && Number.isNaN(y));
  // Leaves are scalars, lists of scalars or empty mappings: their JSON text compares them.
  return typeof x === typeof y && JSON.stringify(x) === JSON.stringify(y);
}
