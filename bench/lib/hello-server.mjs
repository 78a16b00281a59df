// The floor for bench/serve.mjs: a plain Hono app on @hono/node-server answering POST / with a
// small JSON object, nothing else. Prints {"port": N} on stdout once it listens on 127.0.0.1.
import { serve } from '@hono/node-server';
import { Hono } from 'hono';

const app = new Hono();
app.post('/', async (c) => {
  await c.req.text();
  return c.json({ hello: 'world' });
});
serve({ fetch: app.fetch, hostname: '127.0.0.1', port: 0 }, (info) => process.stdout.write(`${JSON.stringify({ port: info.port })}\n`));
