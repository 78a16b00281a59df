/**
 * @module A tiny server for lifecycle.test.ts: GET /slow answers only after SIGUSR2 (so the test,
 * not a clock, decides when the request in flight finishes), GET /fast at once, GET /block holding
 * the event loop while the test says, GET /big a 30 MB answer. It prints
 * `listening PORT`, `slow started` and `shutdown hook` on stdout for the test to follow.
 */
import { existsSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
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
// Waits for the file DRAIN_FLAGS/go, says how long after SIGTERM it starts, then holds the event loop (a big
// batch being scored) until the file DRAIN_FLAGS/stop exists: the test, not a clock, decides when each happens.
const flags = process.env.DRAIN_FLAGS ?? '';
let signalledAt: number | undefined;
process.on('SIGTERM', () => (signalledAt ??= performance.now()));
app.get('/block', async (c) => {
  process.stdout.write('block waiting\n');
  while (!existsSync(join(flags, 'go'))) await new Promise((r) => setTimeout(r, 20));
  process.stdout.write(`block started ${Math.round(performance.now() - (signalledAt ?? performance.now()))} ms after the signal\n`);
  while (!existsSync(join(flags, 'stop')));
  return c.json({ blocked: true });
});
// 30 MB: an answer still being written while its reader does not read.
app.get('/big', (c) => {
  process.stdout.write('big answered\n');
  return c.text('x'.repeat(30 * 1024 * 1024));
});
