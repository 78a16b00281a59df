/** @module Replaces `${}` in every string of a parsed value (mapping keys included), reporting each problem at its key path. */
import type { KeyPath } from '../../yaml/key-path.js';
import { interpolate } from './interpolate.js';
import { isRecord, type TemplateContext } from './template-context.js';

/** `v` with `${}` replaced in every string (keys included); `cmd` strings unpack mappings. */
export function resolveValue(v: unknown, ctx: TemplateContext, path: KeyPath, problem: (path: KeyPath, err: unknown) => void): unknown {
  if (typeof v === 'string') {
    try {
      return interpolate(v, ctx, { cmd: path.length >= 3 && path[0] === 'stages' && path.includes('cmd') });
    } catch (err) {
      problem(path, err);
      return v;
    }
  }
  if (Array.isArray(v)) return v.map((x, i) => resolveValue(x, ctx, [...path, i], problem));
  if (isRecord(v)) {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) {
      let key = k;
      if (k.includes('${')) {
        const r = resolveValue(k, ctx, [...path, k], problem);
        key = typeof r === 'string' || typeof r === 'number' ? String(r) : k;
      }
      out[key] = resolveValue(x, ctx, [...path, k], problem);
    }
    return out;
  }
  return v;
}

