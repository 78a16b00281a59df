/** The canary guard's verdicts on recorded outcomes, with a clock the test moves. */
import { describe, expect, it } from 'vitest';
import { CanaryGuard, type CanaryVerdict } from './canary-guard.js';
import { CANARY_SLO_DEFAULTS } from './canary-slo.js';
import { callerBucket, inCanary } from './caller-bucket.js';
import { callerKey, parseCanaryKey } from './canary-key.js';

const scores = (n: number, at: (i: number) => number) => Float64Array.from({ length: n }, (_, i) => at(i));

function guard(slo = {}, now = () => 0) {
  const cut: CanaryVerdict[] = [];
  return { g: new CanaryGuard({ slo: { ...CANARY_SLO_DEFAULTS, ...slo }, now, onCutOff: (v) => cut.push(v) }), cut };
}

describe('CanaryGuard', () => {
  it('cuts off once failures exceed the error rate the window allows, without waiting for the window to fill', () => {
    const { g, cut } = guard({ window: { requests: 100 } });
    for (let i = 0; i < 5; i++) g.recordCanary({ failed: true, seconds: 0.001 });
    expect(g.active).toBe(true);
    g.recordCanary({ failed: true, seconds: 0.001 });
    expect(g.active).toBe(false);
    expect(cut).toEqual([expect.objectContaining({ reason: 'error_rate', requests: 6 })]);
    // Cut once, for good.
    g.recordCanary({ failed: true, seconds: 0.001 });
    expect(cut).toHaveLength(1);
  });

  it('keeps a canary whose failures stay within the rate, as old ones leave the window', () => {
    const { g } = guard({ window: { requests: 40 }, maxErrorRate: 0.05 });
    for (let i = 0; i < 400; i++) g.recordCanary({ failed: i % 40 === 0, seconds: 0.001 });
    expect(g.active).toBe(true);
    expect(g.reading().errorRate).toBeCloseTo(1 / 40);
  });

  it('cuts off on the p99 scoring time only once the window holds enough requests', () => {
    const { g, cut } = guard({ maxP99Seconds: 0.01, minRequests: 20 });
    for (let i = 0; i < 19; i++) g.recordCanary({ failed: false, seconds: 0.5 });
    expect(g.active).toBe(true);
    g.recordCanary({ failed: false, seconds: 0.5 });
    expect(cut[0]).toMatchObject({ reason: 'latency', value: 0.5, limit: 0.01 });
  });

  it("cuts off when the canary's scores drift from the primary's over the same window, and not when they agree", () => {
    const same = guard();
    const shifted = guard();
    for (let r = 0; r < 30; r++) {
      for (const { g } of [same, shifted]) g.recordPrimary(scores(10, (i) => (i + r) / 40));
      same.g.recordCanary({ failed: false, seconds: 0.001, scores: scores(10, (i) => (i + r + 1) / 40) });
      shifted.g.recordCanary({ failed: false, seconds: 0.001, scores: scores(10, (i) => 0.9 + i / 200) });
    }
    expect(same.g.active).toBe(true);
    expect(same.g.reading().scorePsi).toBeLessThan(0.25);
    expect(shifted.cut[0]).toMatchObject({ reason: 'score_drift' });
    expect(shifted.cut[0]!.value).toBeGreaterThan(0.25);
  });

  it('judges a time window over the last T minutes only', () => {
    let t = 0;
    const { g } = guard({ window: { minutes: 1 }, minRequests: 5 }, () => t);
    for (let i = 0; i < 4; i++) g.recordCanary({ failed: true, seconds: 0.001 });
    t = 120_000;
    for (let i = 0; i < 5; i++) g.recordCanary({ failed: false, seconds: 0.001 });
    expect(g.active).toBe(true);
    expect(g.reading()).toMatchObject({ requests: 5, errorRate: 0 });
  });
});

describe('the sticky split', () => {
  it('puts a key in the same bucket every time, and about the weight of keys in the canary', () => {
    expect(callerBucket('user-7')).toBe(callerBucket('user-7'));
    const inside = Array.from({ length: 10_000 }, (_, i) => inCanary(`user-${i}`, 10)).filter(Boolean).length;
    expect(inside).toBeGreaterThan(800);
    expect(inside).toBeLessThan(1200);
    expect(inCanary('anyone', 100)).toBe(true);
  });

  it('keys a caller by the configured header or field, else the API key, else the address', () => {
    const facts = { header: (n: string) => (n === 'x-user-id' ? 'u1' : undefined), row: { customer_id: 42 }, apiKeyId: 'abcd1234', address: () => '10.0.0.1' };
    expect(callerKey(parseCanaryKey('header:X-User-Id')!, facts)).toBe('h:u1');
    expect(callerKey(parseCanaryKey('field:customer_id')!, facts)).toBe('f:42');
    expect(callerKey(parseCanaryKey('field:other')!, facts)).toBe('k:abcd1234');
    expect(callerKey({ kind: 'caller' }, { ...facts, apiKeyId: undefined })).toBe('a:10.0.0.1');
    expect(parseCanaryKey('cookie:x')).toBeUndefined();
  });
});
