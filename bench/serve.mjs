#!/usr/bin/env node
// `pipe serve` under load (issue 16's performance section), next to two references measured in
// the same run: a plain Hono "hello" app (the floor: what this machine's HTTP stack can do at all)
// and FastAPI + scikit-learn serving the same features (the Python stack users come from; skipped
// when Debian's python3-fastapi, python3-uvicorn and python3-sklearn are not installed).
// autocannon drives 127.0.0.1 from this process; every server runs in a child process.
//
//   npm run build && npx pipe repro   # the example model, models/churn
//   node bench/serve.mjs [--duration S] [--connections N] [--batch-requests N] [--model DIR]
//
// Markdown on stdout, progress on stderr.
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import { parse } from 'csv-parse/sync';
import { log, repo } from './lib/harness.mjs';
import { cpuSeconds } from './lib/process-cpu.mjs';

const { values } = parseArgs({
  options: {
    duration: { type: 'string', default: '10' },
    connections: { type: 'string', default: '64' },
    'batch-requests': { type: 'string', default: '200' },
    model: { type: 'string', default: join(repo, 'models', 'churn') },
  },
});
const duration = Number(values.duration);
const connections = Number(values.connections);
const children = [];
process.on('exit', () => children.forEach((c) => c.kill('SIGTERM')));

/** Starts a server child and resolves to its base URL once it prints its port (or "at http://…"). */
function start(name, command, args) {
  const child = spawn(command, args, { cwd: repo, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NO_COLOR: '1' } });
  children.push(child);
  let err = '';
  child.stderr.setEncoding('utf8').on('data', (c) => (err += c));
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (c) => {
      out += c;
      const port = /"port":\s*(\d+)/.exec(out)?.[1] ?? /127\.0\.0\.1:(\d+)/.exec(out)?.[1];
      if (port) resolve({ url: `http://127.0.0.1:${port}`, pid: child.pid });
    });
    child.on('exit', (code) => reject(new Error(`${name} exited (${code}) before listening:\n${err}`)));
  });
}

/** Raw rows of the example's customer table, typed as the feature schema says, without the label. */
function rawRows(n) {
  const schema = JSON.parse(readFileSync(join(values.model, 'feature-schema.json'), 'utf8'));
  const numeric = new Set(Object.entries(schema.properties).filter(([, p]) => [p.type].flat().some((t) => t === 'number' || t === 'integer')).map(([k]) => k));
  const text = readFileSync(join(repo, 'data', 'raw', 'customers.csv'), 'utf8');
  const records = parse(text, { columns: true, to: n });
  return records.map((r) => Object.fromEntries(Object.entries(r).filter(([k]) => k in schema.properties).map(([k, v]) => [k, v === '' ? null : numeric.has(k) ? Number(v) : v])));
}

function load(url, { method = 'POST', body, connections: c = connections, amount } = {}) {
  return autocannon({ url, method, connections: c, ...(amount ? { amount } : { duration }), headers: { 'content-type': 'application/json' }, body });
}

const row = JSON.stringify(rawRows(1)[0]);
const batch = JSON.stringify(rawRows(1000));
const load0 = loadavg();
const results = [];

log('starting the servers …');
const hello = await start('hono hello', process.execPath, [join(repo, 'bench', 'lib', 'hello-server.mjs')]);
const pipeServe = await start('pipe serve', process.execPath, [join(repo, 'bin', 'pipe.js'), 'serve', values.model, '--port', '0']);
const python = '/usr/bin/python3';
const hasFastapi = spawnSync(python, ['-c', 'import fastapi, uvicorn, sklearn'], { stdio: 'ignore' }).status === 0;
const fastapi = hasFastapi ? await start('fastapi', python, [join(repo, 'bench', 'lib', 'fastapi_server.py'), repo]) : undefined;

async function single(name, server, path, body) {
  log(`${name}: ${connections} connections for ${duration} s …`);
  await load(`${server.url}${path}`, { body, connections, amount: 2000 }); // warm-up
  const cpu0 = cpuSeconds(server.pid);
  const r = await load(`${server.url}${path}`, { body });
  const cpuUs = ((cpuSeconds(server.pid) - cpu0) * 1e6) / r.requests.total;
  results.push({ name, rps: r.requests.average, p50: r.latency.p50, p99: r.latency.p99, errors: r.errors + r.non2xx, cpuUs });
  return r;
}

const h = await single('Hono hello (floor)', hello, '/', row);
const s = await single('pipe serve POST /predict', pipeServe, '/predict', row);
const f = fastapi ? await single('FastAPI + scikit-learn POST /predict', fastapi, '/predict', row) : undefined;

async function batchLatency(name, server) {
  const url = `${server.url}/predict/batch`;
  const amount = Number(values['batch-requests']);
  log(`${name}: ${amount} batches of 1,000 rows, one connection …`);
  await load(url, { body: batch, connections: 1, amount: 20 });
  const cpu0 = cpuSeconds(server.pid);
  const r = await load(url, { body: batch, connections: 1, amount });
  const cpuMs = ((cpuSeconds(server.pid) - cpu0) * 1000) / amount;
  return { name, cpuMs, p50: r.latency.p50, p99: r.latency.p99, mean: r.latency.average, rowsPerSecond: (1000 * 1000) / r.latency.average, errors: r.errors + r.non2xx };
}
const batches = [await batchLatency('pipe serve POST /predict/batch', pipeServe)];
if (fastapi) batches.push(await batchLatency('FastAPI + scikit-learn POST /predict/batch', fastapi));
const engine = JSON.parse(await (await globalThis.fetch(`${pipeServe.url}/model`)).text()).engine;
const load1 = loadavg();

const fmt = (x, d = 0) => x.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d });
const out = [];
out.push(`Machine: ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, Node ${process.version}; load average ${load0.map((x) => x.toFixed(2)).join(' ')} before, ${load1.map((x) => x.toFixed(2)).join(' ')} after.`);
out.push(`Command: node bench/serve.mjs --duration ${duration} --connections ${connections} --batch-requests ${values['batch-requests']}; engine: ${engine}.`, '');
out.push('| single row, 64 connections | req/s | p50 ms | p99 ms | errors | server CPU µs / request | req/s per busy core |', '| --- | ---: | ---: | ---: | ---: | ---: | ---: |');
for (const r of results) out.push(`| ${r.name} | ${fmt(r.rps)} | ${fmt(r.p50, 2)} | ${fmt(r.p99, 2)} | ${r.errors} | ${fmt(r.cpuUs)} | ${fmt(1e6 / r.cpuUs)} |`);
out.push('', `pipe serve / Hono floor: ${fmt(s.requests.average / h.requests.average, 2)}${f ? `; pipe serve / FastAPI: ${fmt(s.requests.average / f.requests.average, 1)}×` : '; FastAPI not measured (python3-fastapi, python3-uvicorn, python3-sklearn not installed)'}.`, '');
out.push('| batch of 1,000 rows, 1 connection | mean ms | p50 ms | p99 ms | rows/s | errors | server CPU ms / batch |', '| --- | ---: | ---: | ---: | ---: | ---: | ---: |');
for (const b of batches) out.push(`| ${b.name} | ${fmt(b.mean, 2)} | ${fmt(b.p50, 2)} | ${fmt(b.p99, 2)} | ${fmt(b.rowsPerSecond)} | ${b.errors} | ${fmt(b.cpuMs, 1)} |`);
process.stdout.write(`${out.join('\n')}\n`);
process.exit(0);
