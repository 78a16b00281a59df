#!/usr/bin/env node
// What each of the inference service's production habits (serve/habits/) costs per request: a
// Hono app answering GET /predict with a small JSON body, alone and with each habit added, driven
// in-process through app.fetch (no sockets, so the difference is the middleware's own cost).
// Reports CPU nanoseconds per request (process.cpuUsage, so a loaded machine's waiting is not
// counted) and what each habit adds to the bare app, the median of --rounds rounds; the variants
// take turns within each round so a change of load hits them all alike.
//
//   node --import tsx bench/habits.mjs [--requests N] [--rounds N] [--hono-rate-limiter PATH/TO/hono-rate-limiter/dist/index.js]
//
// --hono-rate-limiter adds a row for that library's fixed-window limiter, for comparison (it is
// not a dependency: install it anywhere, e.g. `npm install --prefix /tmp/hrl hono-rate-limiter hono`).
// Markdown on stdout, progress on stderr.
import { Writable } from 'node:stream';
import { loadavg } from 'node:os';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { createAdaptorServer } from '@hono/node-server';
import { Hono } from 'hono';
import { requestId } from 'hono/request-id';
import { accessLog, apiKeyAuth, Lifecycle, loadApiKeys, rateLimit, useHabits } from '../serve/habits/index.ts';
import { log } from './lib/harness.mjs';

// As `pipe serve` does: @hono/node-server puts its lighter Request and Response in place of Node's.
createAdaptorServer({ fetch: () => new globalThis.Response('') });

const { values } = parseArgs({ options: { requests: { type: 'string', default: '200000' }, rounds: { type: 'string', default: '5' }, 'hono-rate-limiter': { type: 'string' } } });
const requests = Number(values.requests);
const rounds = Number(values.rounds);
const KEY = 'bench-key-0123456789abcdef';
const keys = loadApiKeys({ env: { PIPE_SERVE_API_KEYS: `${KEY},other-key-1,other-key-2` } });
const nullStream = new Writable({ write: (_chunk, _enc, cb) => cb() });
const lifecycle = new Lifecycle({ server: { close: () => undefined }, target: { on: () => undefined, off: () => undefined } });
const LIMIT = { limit: 1e12, windowSeconds: 1 };

const variants = {
  bare: () => [],
  'request id (hono/request-id)': () => [requestId()],
  'access log (JSON line to a null stream)': () => [accessLog({ stream: nullStream })],
  'API-key auth (3 keys)': () => [apiKeyAuth({ keys })],
  'rate limit (token bucket, one key)': () => [rateLimit({ ...LIMIT, keyOf: () => 'k' })],
  'in-flight count (Lifecycle)': () => [lifecycle.middleware()],
  'all of them (useHabits)': 'all',
};
if (values['hono-rate-limiter']) {
  const { rateLimiter } = await import(pathToFileURL(values['hono-rate-limiter']).href);
  variants['hono-rate-limiter 0.5.4 (fixed window, draft-6), for comparison'] = () => [rateLimiter({ windowMs: 1000, limit: 1e12, standardHeaders: 'draft-6', keyGenerator: () => 'k' })];
}

function makeApp(variant) {
  const app = new Hono();
  if (variant === 'all') useHabits(app, { keys, rateLimit: LIMIT, accessLog: { stream: nullStream }, lifecycle });
  else for (const m of variant()) app.use(m);
  app.get('/predict', (c) => c.json({ probability: 0.42, label: 0 }));
  return app;
}

const request = new globalThis.Request('http://127.0.0.1/predict', { headers: { authorization: `Bearer ${KEY}`, 'x-request-id': 'bench-0001' } });

async function timeRound(app) {
  const start = process.cpuUsage();
  for (let i = 0; i < requests; i++) {
    const res = await app.fetch(request);
    if (res.status !== 200) throw new Error(`status ${res.status}`);
    // A turn of the event loop every 64 requests, as a server at 64 connections has: the access log writes once a turn.
    if (i % 64 === 63) await nextTurn();
  }
  const used = process.cpuUsage(start);
  return ((used.user + used.system) * 1000) / requests;
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const apps = Object.entries(variants).map(([name, variant]) => [name, makeApp(variant)]);
for (const [, app] of apps) await timeRound(app); // warm-up
const times = Object.fromEntries(apps.map(([name]) => [name, []]));
for (let r = 0; r < rounds; r++) {
  for (const [name, app] of apps) times[name].push(await timeRound(app));
  log(`round ${r + 1}/${rounds}: ${apps.map(([name]) => `${name.split(' (')[0]} ${times[name].at(-1).toFixed(0)}`).join(', ')}`);
}
const results = Object.fromEntries(apps.map(([name]) => [name, median(times[name])]));

console.log(`Node ${process.version}, load average ${loadavg().map((l) => l.toFixed(1)).join(' ')}, ${requests} requests × ${rounds} rounds (median)\n`);
console.log('| app | CPU ns per request | added by the habit |');
console.log('| --- | ---: | ---: |');
for (const [name, ns] of Object.entries(results)) console.log(`| ${name} | ${ns.toFixed(0)} | ${name === 'bare' ? '—' : `${(ns - results.bare).toFixed(0)}`} |`);
