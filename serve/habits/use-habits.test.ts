import type { AddressInfo } from 'node:net';
import { PassThrough } from 'node:stream';
import { serve, type ServerType } from '@hono/node-server';
import { Hono } from 'hono';
import { afterEach, describe, expect, it } from 'vitest';
import { waitUntil } from '../../test/helpers/wait-until.js';
import { loadApiKeys, useHabits, type AccessLogLine, type HabitsEnv } from './index.js';

let server: ServerType | undefined;
afterEach(() => new Promise<void>((r) => (server ? server.close(() => r()) : r())));

async function listen(app: Hono<HabitsEnv>): Promise<string> {
  const port = await new Promise<number>((r) => {
    server = serve({ fetch: app.fetch, hostname: '127.0.0.1', port: 0 }, (info: AddressInfo) => r(info.port));
  });
  return `http://127.0.0.1:${port}`;
}

describe('useHabits on a listening server', () => {
  it('gives every answer a request id, refuses without a key, limits per key, keeps health open, and logs each request once', async () => {
    const out = new PassThrough();
    let logged = '';
    out.on('data', (d: Buffer) => (logged += d.toString()));
    const app = new Hono<HabitsEnv>();
    useHabits(app, { keys: loadApiKeys({ env: { PIPE_SERVE_API_KEYS: 'k1' } }), rateLimit: { limit: 2, windowSeconds: 3600 }, accessLog: { stream: out } });
    app.post('/predict', (c) => c.json({ probability: 0.5 }));
    app.get('/health/ready', (c) => c.json({ ready: true }));
    const base = await listen(app);
    const predict = (key?: string) => fetch(`${base}/predict`, { method: 'POST', headers: key ? { authorization: `Bearer ${key}` } : {} });

    const answers = [await predict(), await predict('k1'), await predict('k1'), await predict('k1'), await fetch(`${base}/health/ready`), await fetch(`${base}/health/ready`), await fetch(`${base}/health/ready`)];
    expect(answers.map((r) => r.status)).toEqual([401, 200, 200, 429, 200, 200, 200]);
    const ids = answers.map((r) => r.headers.get('x-request-id'));
    expect(ids.every((id) => id !== null && /^[0-9a-f-]{36}$/.test(id))).toBe(true);
    expect(new Set(ids).size).toBe(ids.length);
    expect(answers[3]!.headers.get('retry-after')).toBe('1800');
    expect(answers[4]!.headers.get('ratelimit-limit')).toBeNull();

    await waitUntil(() => logged.trim().split('\n').length === 7, 'seven access-log lines');
    const lines = logged.trim().split('\n').map((l) => JSON.parse(l) as AccessLogLine);
    expect(lines.map((l) => l.status)).toEqual([401, 200, 200, 429, 200, 200, 200]);
    expect(lines.map((l) => l.requestId)).toEqual(ids);
    expect(logged).not.toContain('k1');
  });
});
