import { describe, expect, it } from 'vitest';
import { TokenBuckets } from './token-buckets.js';

describe('TokenBuckets', () => {
  it('forgets callers whose buckets have refilled once there are too many, and keeps the ones still limited', () => {
    const b = new TokenBuckets({ limit: 1, windowMs: 60_000, maxKeys: 2 });
    b.take('quiet', 0);
    b.take('busy', 50_000);
    // At t=60s 'quiet' has refilled and is forgotten when 'newcomer' arrives; 'busy' has not refilled and stays limited.
    b.take('newcomer', 60_000);
    expect(b.size).toBe(2);
    expect(b.take('busy', 60_001).allowed).toBe(false);
    expect(b.take('quiet', 60_001).allowed).toBe(true);
  });
});
