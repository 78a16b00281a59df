/** @module Flattens a parsed params or metrics file into dotted keys (`train.lr`, `checks.0.value`) and leaf values. */

/**
 * Mappings are walked into (`a.b`); lists that hold mappings or lists are walked by index
 * (`checks.0.value`, as params keys are written); lists of plain values (`hidden: [64, 32]`),
 * empty mappings and scalars are leaves. A file holding a single scalar gives the key ''. An
 * empty file gives no keys.
 */
export function flattenValue(value: unknown): Map<string, unknown> {
  const out = new Map<string, unknown>();
  const join = (prefix: string, k: string) => (prefix === '' ? k : `${prefix}.${k}`);
  const visit = (v: unknown, key: string): void => {
    if (isRecord(v) && Object.keys(v).length > 0) {
      for (const [k, child] of Object.entries(v)) visit(child, join(key, k));
    } else if (Array.isArray(v) && v.some((x) => typeof x === 'object' && x !== null)) {
      v.forEach((child, i) => visit(child, join(key, String(i))));
    } else {
      out.set(key, v);
    }
  };
  if (value !== null && value !== undefined) visit(value, '');
  return out;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
