import { spawn, spawnSync } from 'node:child_process';
import { PassThrough } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { waitUntil } from '../../test/helpers/wait-until.js';
import { apiKeyAuth } from './api-key-auth.js';
import { accessLog, formatLine, PIPE_BUF, wholeLinePieces, type AccessLogLine } from './access-log.js';
import { loadApiKeys } from './load-api-keys.js';
import { requestId } from './request-id.js';
import type { HabitsEnv } from './variables.js';

const LOG_THEN_EXIT = fileURLToPath(new URL('./test-fixtures/log-then-exit.ts', import.meta.url));

function app() {
  const out = new PassThrough();
  const lines: AccessLogLine[] = [];
  out.on('data', (chunk: Buffer) => lines.push(...chunk.toString().trim().split('\n').map((l) => JSON.parse(l) as AccessLogLine)));
  const a = new Hono<HabitsEnv>();
  a.use(requestId(), accessLog({ stream: out, flushMs: 0 }), apiKeyAuth({ keys: loadApiKeys({ env: { PIPE_SERVE_API_KEYS: 'sk-live-123456' } })! }));
  a.post('/v2/models/:name/infer', (c) => {
    c.set('logRows', 3);
    c.set('logModelVersion', 'v1.2.0');
    return c.json({ ok: true });
  });
  a.get('/boom', () => {
    throw new Error('model crashed');
  });
  return { a, lines };
}

describe('accessLog', () => {
  it('writes one JSON line per request with the route pattern, status, key id, rows and model version, and nothing a caller sent', async () => {
    const { a, lines } = app();
    const res = await a.request('/v2/models/churn/infer?token=sk-live-123456', {
      method: 'POST',
      headers: { authorization: 'Bearer sk-live-123456', 'x-request-id': 'trace-42' },
      body: '{"secret":"do-not-log"}',
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('x-request-id')).toBe('trace-42');
    await new Promise((r) => setImmediate(r));
    expect(lines).toHaveLength(1);
    const line = lines[0]!;
    expect(line).toMatchObject({ requestId: 'trace-42', method: 'POST', route: '/v2/models/:name/infer', status: 200, rows: 3, modelVersion: 'v1.2.0' });
    expect(line.keyId).toMatch(/^[0-9a-f]{8}$/);
    expect(line.durationMs).toBeGreaterThanOrEqual(0);
    expect(Number.isNaN(Date.parse(line.time))).toBe(false);
    const raw = JSON.stringify(line);
    for (const secret of ['sk-live-123456', 'do-not-log', 'token=', 'churn']) expect(raw).not.toContain(secret);
  });

  it('logs refused and failed requests too, and gives each a fresh request id when the incoming one is unusable', async () => {
    const { a, lines } = app();
    const refused = await a.request('/v2/models/churn/infer', { method: 'POST', headers: { 'x-request-id': 'bad id with spaces' } });
    expect(refused.status).toBe(401);
    const fresh = refused.headers.get('x-request-id');
    expect(fresh).toMatch(/^[0-9a-f-]{36}$/);
    expect((await a.request('/boom', { headers: { authorization: 'Bearer sk-live-123456' } })).status).toBe(500);
    await new Promise((r) => setImmediate(r));
    expect(lines.map((l) => [l.route, l.status])).toEqual([
      ['/v2/models/:name/infer', 401],
      ['/boom', 500],
    ]);
    expect(lines[0]!.requestId).toBe(fresh);
    expect(lines[0]!.keyId).toBeUndefined();
  });

  it('drops lines while the stream is backed up instead of queueing them, and says how many once it drains', async () => {
    const out = new PassThrough({ highWaterMark: 1 });
    const a = new Hono<HabitsEnv>();
    a.use(accessLog({ stream: out, flushMs: 0 }));
    a.get('/x', (c) => c.text('ok'));
    const tick = () => new Promise((r) => setImmediate(r));
    // One request per turn of the event loop: the first line fills the stream, the next three find it backed up.
    for (let i = 0; i < 4; i++) {
      expect((await a.request('/x')).status).toBe(200);
      await tick();
    }
    const text: string[] = [];
    out.on('data', (chunk: Buffer) => text.push(chunk.toString()));
    await waitUntil(() => text.join('').includes('droppedLogLines'), 'the dropped-lines note');
    const lines = text.join('').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines.filter((l) => l.route === '/x')).toHaveLength(1);
    expect(lines.at(-1)).toMatchObject({ droppedLogLines: 3 });
  });

  it('ends the log, not the service, when its output fails (the reader of a pipe went away: EPIPE), and says so once', async () => {
    const out = new PassThrough();
    const written: string[] = [];
    out.on('data', (chunk: Buffer) => written.push(chunk.toString()));
    const warnings: string[] = [];
    const a = new Hono<HabitsEnv>();
    a.use(accessLog({ stream: out, warn: (text) => warnings.push(text), flushMs: 0 }));
    a.get('/x', (c) => c.text('ok'));
    expect((await a.request('/x')).status).toBe(200);
    await waitUntil(() => written.length === 1, 'the first line');
    // What process.stdout emits once its reader is gone: with no listener, an uncaught exception that ended the service.
    const epipe = Object.assign(new Error('write EPIPE'), { code: 'EPIPE' });
    out.emit('error', epipe);
    out.emit('error', epipe);
    for (let i = 0; i < 3; i++) expect((await a.request('/x')).status).toBe(200);
    await new Promise((r) => setTimeout(r, 20));
    expect(written).toHaveLength(1);
    expect(warnings).toEqual(['access log: its output failed (EPIPE); request lines are no longer written, the service goes on\n']);
  });

  it('with flushMs 0, writes the lines of one turn of the event loop in one write', async () => {
    const writes: string[] = [];
    const a = new Hono<HabitsEnv>();
    a.use(accessLog({ stream: { write: (t: string) => (writes.push(t), true), once: () => undefined } as never, flushMs: 0 }));
    a.get('/x', (c) => c.text('ok'));
    await Promise.all([a.request('/x'), a.request('/x'), a.request('/x')]);
    await new Promise((r) => setImmediate(r));
    expect(writes).toHaveLength(1);
    expect(writes[0]!.trim().split('\n')).toHaveLength(3);
  });

  it('by default holds lines past the turn and writes those of several turns in one write, a little later', async () => {
    const writes: string[] = [];
    const a = new Hono<HabitsEnv>();
    a.use(accessLog({ stream: { write: (t: string) => (writes.push(t), true), once: () => undefined } as never }));
    a.get('/x', (c) => c.text('ok'));
    for (let turn = 0; turn < 10; turn++) {
      await Promise.all([a.request('/x'), a.request('/x')]);
      await new Promise((r) => setImmediate(r));
    }
    // Ten turns have ended: a per-turn log would have written ten times by now (flushMs is 50 ms, not a turn).
    expect(writes.length).toBeLessThan(10);
    await waitUntil(() => writes.join('').trim().split('\n').length === 20, 'the twenty lines');
    expect(writes.length).toBeLessThan(10);
  });

  it('writes at the end of the turn once the lines waiting reach flushBytes, whatever flushMs says', async () => {
    const writes: string[] = [];
    const a = new Hono<HabitsEnv>();
    a.use(accessLog({ stream: { write: (t: string) => (writes.push(t), true), once: () => undefined } as never, flushMs: 3_600_000, flushBytes: 200 }));
    a.get('/x', (c) => c.text('ok'));
    await a.request('/x');
    await new Promise((r) => setImmediate(r));
    // One line (~150 characters) is under the bound: it waits (for an hour here).
    expect(writes).toEqual([]);
    await Promise.all([a.request('/x'), a.request('/x')]);
    await new Promise((r) => setImmediate(r));
    expect(writes).toHaveLength(1);
    expect(writes[0]!.trim().split('\n')).toHaveLength(3);
  });

  it('writes the lines still waiting when the process exits (process.exit right after an answer); a SIGKILL loses them', async () => {
    const run = (env: Record<string, string>) => {
      const r = spawnSync(process.execPath, ['--import', 'tsx', LOG_THEN_EXIT], { env: { ...process.env, ...env }, encoding: 'utf8', timeout: 120_000 });
      expect(r.stderr).toContain('answered 200');
      return r.stdout;
    };
    const lines = run({ EXIT_HOW: 'exit' }).trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0]!)).toMatchObject({ method: 'GET', route: '/x', status: 200 });
    // A SIGKILL gives no exit hook a chance: the line waiting is lost (what docs/commands.md says).
    expect(run({ EXIT_HOW: 'kill' })).toBe('');
  }, 240_000);

  it('settleAccessLogs (the last step of a drain) writes the waiting lines and waits until stdout has taken them, behind a megabyte its reader has not read yet', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', LOG_THEN_EXIT], { env: { ...process.env, EXIT_HOW: 'settle', FILL_BYTES: String(1 << 20) }, stdio: ['ignore', 'pipe', 'pipe'] });
    let err = '';
    child.stderr.setEncoding('utf8').on('data', (c: string) => (err += c));
    // Nothing reads stdout until the answer is made: the megabyte and the line queue behind the full pipe.
    await waitUntil(() => err.includes('answered 200'), 'the answer', { timeoutMs: 120_000 });
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => (out += c));
    await new Promise((r) => child.on('close', r));
    const lines = out.split('\n').filter((l) => l !== '');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toHaveLength((1 << 20) - 1);
    expect(JSON.parse(lines[1]!)).toMatchObject({ method: 'GET', route: '/x', status: 200 });
  }, 240_000);

  it('writes a batch as pieces of whole lines of at most PIPE_BUF bytes, so the lines of several workers on one pipe never mix', async () => {
    const lines = Array.from({ length: 90 }, (_, i) => `{"i":${i},"v":"${'é'.repeat(i * 3)}"}\n`);
    const long = `{"long":"${'x'.repeat(PIPE_BUF + 500)}"}\n`;
    const text = [...lines.slice(0, 40), long, ...lines.slice(40)].join('');
    const pieces = wholeLinePieces(text).map((p) => Buffer.from(p));
    expect(Buffer.concat(pieces).toString()).toBe(text);
    expect(pieces.length).toBeGreaterThan(3);
    for (const p of pieces) {
      expect(p.at(-1)).toBe(0x0a);
      if (!p.toString().includes('"long"')) expect(p.length).toBeLessThanOrEqual(PIPE_BUF);
    }
    expect(pieces.filter((p) => p.toString().includes('"long"')).map((p) => p.toString())).toEqual([long]);
    // Through the log: ~100 requests' lines go out in several writes, none over PIPE_BUF, none cutting a line.
    const writes: Buffer[] = [];
    const a = new Hono<HabitsEnv>();
    a.use(accessLog({ stream: { write: (t: string | Buffer) => (writes.push(Buffer.from(t)), true), once: () => undefined } as never, flushMs: 0 }));
    a.get('/x', (c) => c.text('ok'));
    await Promise.all(Array.from({ length: 100 }, () => a.request('/x')));
    await new Promise((r) => setImmediate(r));
    expect(writes.length).toBeGreaterThan(1);
    for (const w of writes) {
      expect(w.length).toBeLessThanOrEqual(PIPE_BUF);
      expect(w.at(-1)).toBe(0x0a);
    }
    expect(Buffer.concat(writes).toString().trim().split('\n').map((l) => (JSON.parse(l) as AccessLogLine).route)).toEqual(Array(100).fill('/x'));
  });

  it('formats each line as JSON.stringify would: same keys in the same order, absent ones left out, strings escaped', () => {
    const cases: AccessLogLine[] = [
      { time: '2026-12-03T10:00:00.000Z', requestId: 'trace-42', method: 'POST', route: '/predict', status: 200, durationMs: 0.123, keyId: 'ab12cd34', rows: 1000, modelVersion: 'v1.2.0' },
      { time: '2026-12-03T10:00:00.001Z', method: 'GET', route: '/*', status: 404, durationMs: 12 },
      { time: '2026-12-03T10:00:00.002Z', requestId: 'r', method: 'POST', route: '/v2/models/:name/infer', status: 500, durationMs: 0, modelVersion: 'odd "version"\\ é\n' },
    ];
    for (const l of cases) expect(formatLine(l.time, l.requestId, l.method, l.route, l.status, l.durationMs, l.keyId, l.rows, l.modelVersion)).toBe(`${JSON.stringify(l)}\n`);
  });
});

