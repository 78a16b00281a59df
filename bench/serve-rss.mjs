#!/usr/bin/env node
// pipe serve's memory over a million requests (issue 16: RSS flat, ≤ 10% growth): wrk posts single
// raw rows (auth, validation, metrics, drift and access log on) at 64 connections in runs of
// --chunk seconds until --requests have been answered, after a warm-up of --warmup requests; the
// server's RSS is read from /proc every second. Start = RSS after the warm-up.
//
//   npm run build && npx pipe repro   # the example model, models/churn
//   node bench/serve-rss.mjs [--requests N] [--warmup N] [--chunk S] [--connections N] [--model DIR]
//
// Markdown on stdout, progress on stderr.
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { clearInterval, setInterval } from 'node:timers';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { log, repo } from './lib/harness.mjs';
import { cpuSeconds, rssBytes } from './lib/process-cpu.mjs';
import { predictRequest, rawRows, startPipeServe, stopServer } from './lib/serve-child.mjs';
import { hasWrk, wrk } from './lib/wrk.mjs';

const { values } = parseArgs({
  options: {
    requests: { type: 'string', default: '1000000' },
    warmup: { type: 'string', default: '100000' },
    chunk: { type: 'string', default: '20' },
    connections: { type: 'string', default: '64' },
    model: { type: 'string', default: join(repo, 'models', 'churn') },
  },
});
if (!hasWrk()) throw new Error('wrk is required (apt-get install wrk)');
const target = Number(values.requests);
const connections = Number(values.connections);
const request = predictRequest(rawRows(values.model, 1)[0]);
const load0 = loadavg();

const server = await startPipeServe(values.model);
const url = `${server.url}/predict`;
const mb = (b) => b / 2 ** 20;
const rssAtStart = rssBytes(server.pid);

async function drive(total, label) {
  let done = 0;
  let errors = 0;
  const p99s = [];
  while (done < total) {
    const r = await wrk(url, { duration: Number(values.chunk), connections, request });
    done += r.requests;
    errors += r.errors;
    p99s.push(r.p99);
    log(`${label}: ${done.toLocaleString('en-US')} requests, RSS ${mb(rssBytes(server.pid)).toFixed(1)} MiB`);
  }
  return { done, errors, p99s };
}

await drive(Number(values.warmup), 'warm-up');
const samples = [];
const sample = () => samples.push({ t: performance.now(), rss: rssBytes(server.pid) });
sample();
const timer = setInterval(sample, 1000);
const cpu0 = cpuSeconds(server.pid);
const start = performance.now();
const run = await drive(target, 'run');
const seconds = (performance.now() - start) / 1000;
const cpuUs = ((cpuSeconds(server.pid) - cpu0) * 1e6) / run.done;
clearInterval(timer);
sample();
await stopServer(server);
const load1 = loadavg();

const first = samples[0].rss;
const last = samples.at(-1).rss;
const max = Math.max(...samples.map((s) => s.rss));
// The last minute's median: one sample can catch a GC's peak or trough.
const tail = samples.slice(-60).map((s) => s.rss).sort((a, b) => a - b);
const tailMedian = tail[Math.floor(tail.length / 2)];
// The lowest of the last minute: the level right after a full GC, which grows only when memory is held.
const tailMin = tail[0];
const pct = (x) => `${x >= first ? '+' : ''}${(((x - first) / first) * 100).toFixed(1)}%`;
const out = [];
out.push(`Machine: ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, Node ${process.version}; load average ${load0.map((x) => x.toFixed(2)).join(' ')} before, ${load1.map((x) => x.toFixed(2)).join(' ')} after.`);
out.push(`Command: node bench/serve-rss.mjs --requests ${target} --warmup ${values.warmup} --chunk ${values.chunk} --connections ${connections}.`, '');
out.push(`${run.done.toLocaleString('en-US')} requests in ${seconds.toFixed(0)} s (${Math.round(run.done / seconds).toLocaleString('en-US')} req/s, ${run.errors} errors, ${cpuUs.toFixed(0)} µs server CPU a request, p99 per ${values.chunk} s run ${Math.min(...run.p99s).toFixed(1)}–${Math.max(...run.p99s).toFixed(1)} ms); RSS sampled every second (${samples.length} samples):`, '');
out.push('| RSS | MiB | against the start |', '| --- | ---: | ---: |');
out.push(`| at start-up (ready) | ${mb(rssAtStart).toFixed(1)} | |`);
out.push(`| start (after ${Number(values.warmup).toLocaleString('en-US')} warm-up requests) | ${mb(first).toFixed(1)} | |`);
out.push(`| end | ${mb(last).toFixed(1)} | ${pct(last)} |`);
out.push(`| median of the last 60 samples | ${mb(tailMedian).toFixed(1)} | ${pct(tailMedian)} |`);
out.push(`| lowest of the last 60 samples (after a full GC) | ${mb(tailMin).toFixed(1)} | ${pct(tailMin)} |`);
out.push(`| max (a GC's peak) | ${mb(max).toFixed(1)} | ${pct(max)} |`);
process.stdout.write(`${out.join('\n')}\n`);
process.exit(0);
