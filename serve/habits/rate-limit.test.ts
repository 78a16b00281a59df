import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { isPipeError } from '../../runner/index.js';
import { apiKeyAuth } from './api-key-auth.js';
import { loadApiKeys } from './load-api-keys.js';
import { parseRateLimit, rateLimit } from './rate-limit.js';
import type { HabitsEnv } from './variables.js';

function app(clock: { t: number }) {
  const a = new Hono<HabitsEnv>();
  a.use(apiKeyAuth({ keys: loadApiKeys({ env: { PIPE_SERVE_API_KEYS: 'key-a,key-b' } })! }));
  a.use(rateLimit({ limit: 3, windowSeconds: 60, now: () => clock.t, openPaths: ['/health/ready'] }));
  a.post('/predict', (c) => c.json({ ok: true }));
  a.get('/health/ready', (c) => c.json({ ready: true }));
  return a;
}

const call = (a: Hono<HabitsEnv>, key: string) => a.request('/predict', { method: 'POST', headers: { authorization: `Bearer ${key}` } });

describe('rateLimit', () => {
  it('allows `limit` requests at once per key, then answers 429 with Retry-After and the draft-06 RateLimit fields', async () => {
    const clock = { t: 1_000 };
    const a = app(clock);
    const first = await call(a, 'key-a');
    expect(first.status).toBe(200);
    expect(Object.fromEntries(['ratelimit-limit', 'ratelimit-remaining', 'ratelimit-reset', 'ratelimit-policy'].map((h) => [h, first.headers.get(h)]))).toEqual({
      'ratelimit-limit': '3',
      'ratelimit-remaining': '2',
      'ratelimit-reset': '20',
      'ratelimit-policy': '3;w=60',
    });
    expect((await call(a, 'key-a')).status).toBe(200);
    expect((await call(a, 'key-a')).status).toBe(200);
    const refused = await call(a, 'key-a');
    expect(refused.status).toBe(429);
    expect(refused.headers.get('retry-after')).toBe('20');
    expect(refused.headers.get('ratelimit-remaining')).toBe('0');
    expect(await refused.json()).toMatchObject({ code: 'RATE_LIMITED' });
    // Another key has its own bucket; open paths are not limited.
    expect((await call(a, 'key-b')).status).toBe(200);
    expect((await a.request('/health/ready')).status).toBe(200);
  });

  it('refills at limit/window: one request every 20 s at 3 per minute, and a refused request costs nothing', async () => {
    const clock = { t: 0 };
    const a = app(clock);
    for (let i = 0; i < 3; i++) await call(a, 'key-a');
    clock.t = 19_000;
    expect((await call(a, 'key-a')).status).toBe(429);
    expect((await call(a, 'key-a')).headers.get('retry-after')).toBe('1');
    clock.t = 20_000;
    expect((await call(a, 'key-a')).status).toBe(200);
    expect((await call(a, 'key-a')).status).toBe(429);
  });
});

describe('parseRateLimit', () => {
  it('reads per second, per minute and per several seconds', () => {
    expect(parseRateLimit('100/s')).toEqual({ limit: 100, windowSeconds: 1 });
    expect(parseRateLimit('6000/min')).toEqual({ limit: 6000, windowSeconds: 60 });
    expect(parseRateLimit('20/10s')).toEqual({ limit: 20, windowSeconds: 10 });
  });

  it('names the flag and the value it cannot read', () => {
    for (const bad of ['100', '0/s', 'fast', '10/0s', '5/day']) {
      let err: unknown;
      try {
        parseRateLimit(bad);
      } catch (e) {
        err = e;
      }
      expect(isPipeError(err, 'USAGE')).toBe(true);
      expect((err as Error).message).toContain(`--rate-limit expects`);
      expect((err as Error).message).toContain(`"${bad}"`);
    }
  });
});
