/** @module One token bucket per caller: `limit` requests per window on average, up to `limit` at once after a quiet spell. Plain arithmetic on a Map, so the per-request cost is one lookup. */

export interface Take {
  readonly allowed: boolean;
  /** Whole requests left right now (after this one, when allowed). */
  readonly remaining: number;
  /** Seconds until the bucket is full again (draft-06's RateLimit-Reset). */
  readonly resetSeconds: number;
  /** When refused: seconds until one request will be allowed (Retry-After). */
  readonly retryAfterSeconds: number;
}

interface Bucket {
  tokens: number;
  at: number;
}

export class TokenBuckets {
  readonly limit: number;
  readonly windowMs: number;
  readonly #perMs: number;
  readonly #maxKeys: number;
  readonly #buckets = new Map<string, Bucket>();

  /** `maxKeys`: past this many callers, buckets that have refilled (and so say nothing) are dropped. */
  constructor({ limit, windowMs, maxKeys = 100_000 }: { limit: number; windowMs: number; maxKeys?: number }) {
    this.limit = limit;
    this.windowMs = windowMs;
    this.#perMs = limit / windowMs;
    this.#maxKeys = maxKeys;
  }

  get size(): number {
    return this.#buckets.size;
  }

  /** Takes one token from `key`'s bucket at time `now` (ms, monotonic) if it has one. */
  take(key: string, now: number): Take {
    let b = this.#buckets.get(key);
    if (b === undefined) {
      if (this.#buckets.size >= this.#maxKeys) this.#sweep(now);
      b = { tokens: this.limit, at: now };
      this.#buckets.set(key, b);
    } else if (now > b.at) {
      b.tokens = Math.min(this.limit, b.tokens + (now - b.at) * this.#perMs);
      b.at = now;
    }
    const allowed = b.tokens >= 1;
    if (allowed) b.tokens -= 1;
    return {
      allowed,
      remaining: Math.floor(b.tokens),
      resetSeconds: Math.ceil((this.limit - b.tokens) / this.#perMs / 1000),
      retryAfterSeconds: allowed ? 0 : Math.max(1, Math.ceil((1 - b.tokens) / this.#perMs / 1000)),
    };
  }

  /** A bucket that has refilled is the same as no bucket: forget those. */
  #sweep(now: number): void {
    for (const [key, b] of this.#buckets) if (b.tokens + (now - b.at) * this.#perMs >= this.limit) this.#buckets.delete(key);
  }
}
