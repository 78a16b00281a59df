// The floor for bench/serve.mjs: a plain Hono app on @hono/node-server answering POST / with a
// small JSON object, nothing else. Prints {"port": N} on stdout once it listens on 127.0.0.1.
// With HELLO_ANSWER_ROWS=N (bench/serve-ab.mjs --batch N --floor) it is the floor of a batch
// instead: it reads the body's bytes as /predict/batch does and answers a precomputed JSON of N
// results shaped as pipe's, so only the transport is left (no parsing, no model).
import { serve } from '@hono/node-server';
import { Hono } from 'hono';

const rows = Number(process.env.HELLO_ANSWER_ROWS ?? 0);
const results = Array.from({ length: rows }, (_, i) => `{"index":${i},"probability":${Math.fround(((i * 7919) % 1000) / 1000 + 0.000123)},"label":${i % 2},"id":"${String(1000000 + i)}-ABCDE"}`);
const answer = `{"results":[${results.join(',')}],"scored":${rows},"invalid":0,"threshold":0.5,"model":{"name":"churn","version":null}}`;

const app = new Hono();
app.post('/', async (c) => {
  if (rows === 0) {
    await c.req.text();
    return c.json({ hello: 'world' });
  }
  await c.req.arrayBuffer();
  return c.body(answer, 200, { 'content-type': 'application/json' });
});
serve({ fetch: app.fetch, hostname: '127.0.0.1', port: 0 }, (info) => process.stdout.write(`${JSON.stringify({ port: info.port })}\n`));
