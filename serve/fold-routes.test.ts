import { PassThrough } from 'node:stream';
import { Hono, type MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { describe, expect, it } from 'vitest';
import { foldRoutes } from './fold-routes.js';
import { habitLayer, jsonAnswer, loadApiKeys, type AccessLogLine, type HabitsEnv } from './habits/index.js';
import { createMetrics } from './metrics.js';

function folded() {
  const out = new PassThrough();
  const lines: AccessLogLine[] = [];
  out.on('data', (chunk: Buffer) => lines.push(...chunk.toString().trim().split('\n').map((l) => JSON.parse(l) as AccessLogLine)));
  const metrics = createMetrics({ name: 'm', version: 'v1', commit: null, stage: null, backend: 'cpu', engine: 'typed-array', fields: [] });
  const errors: unknown[] = [];
  const layer = habitLayer({
    keys: loadApiKeys({ env: { PIPE_SERVE_API_KEYS: 'k-1' } })!,
    rateLimit: { limit: 100, windowSeconds: 60 },
    accessLog: { stream: out, flushMs: 0 },
    meter: metrics,
    onError: (error, c) => (errors.push(error), c.json({ error: error.message, code: 'internal' }, 500)),
  });
  const table = new Hono<HabitsEnv>();
  const guard: MiddlewareHandler<HabitsEnv> = (c, next) => {
    if (c.req.header('x-refuse') !== undefined) throw new Error('guard refused');
    return next();
  };
  table.post('/sync', guard, guard, (c) => jsonAnswer(c, { ok: 'sync' }));
  table.post('/async', guard, async (c) => jsonAnswer(c, { ok: await c.req.text() }));
  table.post('/streamed', bodyLimit({ maxSize: 1000 }), async (c) => c.json({ got: (await c.req.text()).length }));
  table.get('/throws', () => {
    throw new Error('sync failure');
  });
  table.get('/rejects', async () => {
    await Promise.resolve();
    throw new Error('async failure');
  });
  const app = new Hono<HabitsEnv>();
  foldRoutes(table, app, layer);
  app.notFound((c) => layer(c, '/*', () => c.json({ code: 'not_found' }, 404)));
  const call = (path: string, init: RequestInit = {}, key = 'k-1') => app.request(path, { ...init, headers: { authorization: `Bearer ${key}`, ...init.headers } });
  return { app, call, lines, metrics, errors };
}

describe('routes folded into the habit layer', () => {
  it('answers through guards synchronously and asynchronously, and a middleware that awaits next() answers with what next() did', async () => {
    const { call } = folded();
    const sync = await call('/sync', { method: 'POST' });
    expect([sync.status, await sync.json(), sync.headers.get('ratelimit-limit')]).toEqual([200, { ok: 'sync' }, '100']);
    const async_ = await call('/async', { method: 'POST', body: 'hello' });
    expect([async_.status, await async_.json()]).toEqual([200, { ok: 'hello' }]);
    const streamed = await call('/streamed', { method: 'POST', body: new ReadableStream({ start: (s) => (s.enqueue(new TextEncoder().encode('abc')), s.close()) }), duplex: 'half' } as RequestInit);
    expect([streamed.status, await streamed.json(), streamed.headers.get('x-request-id')]).toMatchObject([200, { got: 3 }, expect.stringMatching(/^[0-9a-f-]{36}$/)]);
  });

  it('gives refusals, errors thrown or rejected in a route or a guard, and unknown routes a request id, a log line and a count', async () => {
    const { call, lines, metrics, errors } = folded();
    const answers = [
      await call('/sync', { method: 'POST' }, 'wrong'),
      await call('/throws'),
      await call('/rejects'),
      await call('/async', { method: 'POST', headers: { 'x-refuse': '1' } }),
      await call('/nowhere'),
    ];
    expect(await Promise.all(answers.map(async (r) => [r.status, ((await r.json()) as { error?: string; code: string }).error ?? null, /^[0-9a-f-]{36}$/.test(r.headers.get('x-request-id') ?? '')]))).toEqual([
      [401, expect.stringContaining('not one this server accepts'), true],
      [500, 'sync failure', true],
      [500, 'async failure', true],
      [500, 'guard refused', true],
      [404, null, true],
    ]);
    expect(errors).toHaveLength(3);
    await new Promise((r) => setImmediate(r));
    expect(lines.map((l) => [l.route, l.status, l.requestId === answers[lines.indexOf(l)]!.headers.get('x-request-id')])).toEqual([
      ['/sync', 401, true],
      ['/throws', 500, true],
      ['/rejects', 500, true],
      ['/async', 500, true],
      ['/*', 404, true],
    ]);
    const text = await metrics.registry.metrics();
    for (const series of ['method="POST",route="/sync",status="401"', 'method="GET",route="/throws",status="500"', 'method="GET",route="/rejects",status="500"', 'method="POST",route="/async",status="500"', 'method="GET",route="(unmatched)",status="404"'])
      expect(text).toContain(`pipe_serve_requests_total{${series}} 1`);
    expect(text).toMatch(/^pipe_serve_requests_in_flight 0$/m);
  });
});
