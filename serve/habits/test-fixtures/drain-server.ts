/**
 * @module A tiny server for lifecycle.test.ts: GET /slow answers only after SIGUSR2 (so the test,
 * not a clock, decides when the request in flight finishes), GET /fast at once, GET /block?ms=N after
 * holding the event loop N ms. It prints
 * `listening PORT`, `slow started` and `shutdown hook` on stdout for the test to follow.
 */
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { Lifecycle } from '../lifecycle.js';

const deadlineMs = Number(process.env.DRAIN_DEADLINE_MS ?? 60_000);
const idleGraceMs = Number(process.env.DRAIN_IDLE_GRACE_MS ?? 1000);
const app = new Hono();
let release: () => void = () => {};
const released = new Promise<void>((r) => (release = r));
process.on('SIGUSR2', () => release());

const server = serve({ fetch: app.fetch, hostname: '127.0.0.1', port: 0 }, (info: AddressInfo) => {
  lifecycle.markReady();
  process.stdout.write(`listening ${info.port}\n`);
});
const lifecycle = new Lifecycle({ server, deadlineMs, idleGraceMs, onShutdown: () => void process.stdout.write('shutdown hook\n') }).install();
app.use(lifecycle.middleware());
app.get('/slow', async (c) => {
  process.stdout.write('slow started\n');
  await released;
  return c.json({ done: true, readyAtTheEnd: lifecycle.ready });
});
app.get('/fast', (c) => c.json({ ready: lifecycle.ready }));
// Holds the event loop (a big batch being scored) for ?ms= milliseconds.
app.get('/block', (c) => {
  process.stdout.write('block started\n');
  const until = performance.now() + Number(c.req.query('ms') ?? 0);
  while (performance.now() < until);
  return c.json({ blocked: true });
});
