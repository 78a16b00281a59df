#!/usr/bin/env node
// p99 during hot reloads (issue 16: ≤ 20 ms): wrk posts single raw rows to `pipe serve` (auth,
// validation, metrics, drift and access log on) at 64 connections, first for --duration seconds
// with no reload, then as long again with SIGHUP every --reload-every seconds (each reload loads,
// checks and warms the package beside the serving one, then swaps). Same server process for both
// runs; p99 and max from wrk --latency; server CPU per request from /proc. First, in a process of
// its own (bench/lib/reload-blocking.ts), the longest the event loop is held at once during a
// reload, in CPU time: the figure a busy machine does not inflate.
//
//   npm run build && npx pipe repro   # the example model, models/churn
//   node bench/serve-reload.mjs [--duration S] [--connections N] [--reload-every S] [--model DIR] [--rounds N]
//
// Markdown on stdout, progress on stderr.
import { spawnSync } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { clearInterval, setInterval } from 'node:timers';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { log, repo } from './lib/harness.mjs';
import { cpuSeconds } from './lib/process-cpu.mjs';
import { predictRequest, rawRows, startPipeServe, stopServer } from './lib/serve-child.mjs';
import { hasWrk, wrk } from './lib/wrk.mjs';

const { values } = parseArgs({
  options: {
    duration: { type: 'string', default: '10' },
    connections: { type: 'string', default: '64' },
    'reload-every': { type: 'string', default: '1' },
    rounds: { type: 'string', default: '2' },
    model: { type: 'string', default: join(repo, 'models', 'churn') },
  },
});
if (!hasWrk()) throw new Error('wrk is required (apt-get install wrk)');
const duration = Number(values.duration);
const connections = Number(values.connections);
const every = Number(values['reload-every']);
const request = predictRequest(rawRows(values.model, 1)[0]);
const load0 = loadavg();

log('timing the reload steps in-process …');
const blocking = spawnSync(process.execPath, ['--import', 'tsx', join(repo, 'bench', 'lib', 'reload-blocking.ts'), values.model, '20'], { cwd: repo, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
if (blocking.status !== 0) throw new Error('bench/lib/reload-blocking.ts failed');
const gaps = JSON.parse(blocking.stdout);
const sorted = (key) => gaps.map((g) => g[key]).sort((a, b) => a - b);
const median = (xs) => xs[Math.floor(xs.length / 2)];

log('starting pipe serve …');
const server = await startPipeServe(values.model);
const url = `${server.url}/predict`;
await wrk(url, { duration: 2, connections, request }); // warm-up

async function run(name, reload) {
  log(`${name}: ${duration} s …`);
  let sent = 0;
  const timer = reload
    ? setInterval(() => {
        server.child.kill('SIGHUP');
        sent++;
      }, every * 1000)
    : undefined;
  const cpu0 = cpuSeconds(server.pid);
  const r = await wrk(url, { duration, connections, request });
  clearInterval(timer);
  const cpuUs = ((cpuSeconds(server.pid) - cpu0) * 1e6) / r.requests;
  return { name: reload ? `${name} (${sent} SIGHUP sent)` : name, ...r, cpuUs };
}

const results = [];
for (let round = 0; round < Number(values.rounds); round++) {
  results.push(await run('no reload', false));
  results.push(await run(`SIGHUP every ${every} s`, true));
}
// The reloads the server did, from its log (one line each).
await sleep(500);
const reloads = (server.stderr().match(/now serving/g) ?? []).length;
const failed = (server.stderr().match(/did not load/g) ?? []).length;
await stopServer(server);
const load1 = loadavg();

const fmt = (x, d = 0) => x.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d });
const out = [];
out.push(`Machine: ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, Node ${process.version}; load average ${load0.map((x) => x.toFixed(2)).join(' ')} before, ${load1.map((x) => x.toFixed(2)).join(' ')} after.`);
out.push(`Command: node bench/serve-reload.mjs --duration ${duration} --connections ${connections} --reload-every ${every} --rounds ${values.rounds}; reloads done ${reloads}, failed ${failed}.`, '');
out.push(`Longest hold of the event loop during a reload, over ${gaps.length} reloads in-process: CPU median ${fmt(median(sorted('worstGapCpuMs')), 1)} ms, max ${fmt(Math.max(...sorted('worstGapCpuMs')), 1)} ms (wall median ${fmt(median(sorted('worstGapWallMs')), 1)} ms, max ${fmt(Math.max(...sorted('worstGapWallMs')), 1)} ms); a whole reload takes ${fmt(median(sorted('wallMs')), 1)} ms (median).`, '');
out.push(`| POST /predict, ${connections} connections, ${duration} s | req/s | p50 ms | p99 ms | max ms | errors | server CPU µs / request |`, '| --- | ---: | ---: | ---: | ---: | ---: | ---: |');
for (const r of results) out.push(`| ${r.name} | ${fmt(r.rps)} | ${fmt(r.p50, 2)} | ${fmt(r.p99, 2)} | ${fmt(r.max, 1)} | ${r.errors} | ${fmt(r.cpuUs)} |`);
process.stdout.write(`${out.join('\n')}\n`);
process.exit(0);
