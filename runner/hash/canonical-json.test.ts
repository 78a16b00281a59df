import { describe, expect, it } from 'vitest';
import { canonicalJson } from './canonical-json.js';

describe('canonicalJson', () => {
  it('writes equal objects equally whatever the order of their keys', () => {
    expect(canonicalJson({ b: 1, a: { d: [1, 2], c: 'x' } })).toBe(canonicalJson({ a: { c: 'x', d: [1, 2] }, b: 1 }));
  });

  it("tells YAML's .inf, -.inf and .nan apart from each other and from null (JSON.stringify writes all four as null)", () => {
    const written = [Infinity, -Infinity, NaN, null].map((v) => canonicalJson({ lr: v }));
    expect(new Set(written).size).toBe(4);
    expect(canonicalJson([NaN])).toBe(canonicalJson([Number.NaN]));
  });
});
