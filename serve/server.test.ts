import { connect } from 'node:net';
import { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HabitsEnv } from './habits/index.js';
import { listen, type Listening } from './server.js';

let server: Listening;
beforeAll(async () => {
  const app = new Hono<HabitsEnv>();
  app.get('/x', (c) => c.json({ ok: true }));
  server = await listen(app, { host: '127.0.0.1', port: 0 });
});
afterAll(() => server.close());

/** What the server answers to `request`, sent as raw bytes on a connection of its own. */
function raw(request: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(server.port, '127.0.0.1', () => socket.end(request));
    let text = '';
    socket.setEncoding('utf8').on('data', (chunk: string) => (text += chunk));
    socket.on('close', () => resolve(text));
    socket.on('error', reject);
  });
}

describe('listen', () => {
  it('answers what Node cannot parse as the app answers errors: JSON, a code and a request id', async () => {
    for (const [request, status] of [
      [`GET /x HTTP/1.1\r\nHost: a\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`, '431 Request Header Fields Too Large'],
      ['NOT HTTP AT ALL\r\n\r\n', '400 Bad Request'],
    ] as const) {
      const answer = await raw(request);
      const [head, body] = answer.split('\r\n\r\n') as [string, string];
      expect(head.split('\r\n')[0]).toBe(`HTTP/1.1 ${status}`);
      expect(head).toMatch(/^X-Request-Id: [0-9a-f-]{36}$/m);
      expect(JSON.parse(body)).toMatchObject({ code: 'bad_http', error: expect.any(String) });
    }
    // A request it can parse still reaches the app.
    expect(await raw('GET /x HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n')).toMatch(/^HTTP\/1\.1 200 OK[\s\S]*\{"ok":true\}$/);
  });
});
