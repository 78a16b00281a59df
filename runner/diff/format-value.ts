/** @module How values and changes read in tables: numbers to N significant digits, absent as '—', lists compactly. */
import type { KeyChange } from './compare-flat.js';

/** Shown for a key or file that a revision does not have. */
export const ABSENT = '—';

export const DEFAULT_PRECISION = 5;

/** A value for a table cell; `undefined` means absent. Integers are shown in full, other numbers to `precision` significant digits. */
export function formatValue(v: unknown, precision = DEFAULT_PRECISION): string {
  if (v === undefined) return ABSENT;
  if (typeof v === 'number') return formatNumber(v, precision);
  if (typeof v === 'string') return v;
  return compact(v);
}

export function formatNumber(x: number, precision = DEFAULT_PRECISION): string {
  if (Number.isInteger(x) || !Number.isFinite(x)) return String(x);
  // Through Number() so 0.10000 prints as 0.1 and 123456.7 as 123460, not 1.2346e+5.
  return String(Number(x.toPrecision(precision)));
}

/**
 * The Change cell: `+0.0123 (+1.5%)` for numbers (no percentage when A is 0), `0` for an
 * unchanged number, `added`, `removed`, `changed` for other values, '' for an unchanged one.
 */
export function formatChange(c: KeyChange, precision = DEFAULT_PRECISION): string {
  if (c.state === 'added' || c.state === 'removed') return c.state;
  if (c.diff !== undefined) {
    if (c.diff === 0) return '0';
    const pct = c.pct === undefined ? '' : ` (${formatPercent(c.pct)})`;
    return `${c.diff > 0 ? '+' : ''}${formatNumber(c.diff, precision)}${pct}`;
  }
  return c.state === 'changed' ? 'changed' : '';
}

/** One decimal (`+1.5%`); two significant digits below 0.1% so a small change does not read as 0. */
export function formatPercent(p: number): string {
  const a = Math.abs(p);
  const digits = a >= 0.1 ? a.toFixed(1) : String(Number(a.toPrecision(2)));
  return `${p < 0 ? '-' : '+'}${digits}%`;
}

function compact(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(compact).join(', ')}]`;
  if (typeof v === 'object' && v !== null) return `{${Object.entries(v).map(([k, x]) => `${k}: ${compact(x)}`).join(', ')}}`;
  return typeof v === 'string' ? JSON.stringify(v) : String(v);
}
