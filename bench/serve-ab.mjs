#!/usr/bin/env node
// A/B of `pipe serve` variants on single POST /predict (issue 16's p99 target), interleaved so a
// shared machine's load hits every variant alike: each round starts each variant in turn (the
// order rotating round by round), warms it with wrk for --warmup seconds, then measures --duration
// seconds: req/s, p50, p99, max, and server CPU per request (user + system of the server and its
// children from /proc: the figure a busy machine inflates least). Optionally the Hono "hello"
// floor (one process, or a --workers N cluster) in the same rounds, and with --node-floor the
// framework-free one (node:http alone, one process: bench/lib/node-hello-server.mjs).
//
// --batch N measures POST /predict/batch with N rows a request instead (the first N rows of the
// example's raw table, JSON; --format ndjson or csv for those bodies, v2 for the same rows as a
// KServe V2 infer request, one tensor a column), at --connections (1 unless given): CPU ms per
// batch and rows/s. --reversed-keys sends each row's keys in the reverse of the schema's order (a
// client with its own column order; serve/key-orders.ts). With --floor, the same bodies go to a Hono app that only reads them and
// answers a precomputed answer of N results (bench/lib/hello-server.mjs): the transport's share.
//
// A variant is NAME=BIN[,NODE_OPTION…]: BIN a pipe bin (…/bin/pipe.js, of a build of any
// commit: git archive OLD | tar -x -C /tmp/old && ln -s "$PWD/node_modules" /tmp/old/ && (cd
// /tmp/old && node scripts/build.mjs)); NODE_OPTIONs go on node's command line (V8's
// --min-semi-space-size is refused in NODE_OPTIONS), which node:cluster's workers inherit (execArgv). --probe preloads bench/lib/loop-probe.mjs into every server: the event loop's
// delay percentiles and the GC pauses during the measured run (the probe's 1 ms timer costs a
// little CPU itself, so compare probed runs with probed runs).
//
//   npm run build && npx pipe repro   # the example model, models/churn
//   node bench/serve-ab.mjs --variant before=/tmp/old/bin/pipe.js --variant after=bin/pipe.js \
//     [--workers N] [--rounds R] [--duration S] [--warmup S] [--connections C] [--floor] [--node-floor] [--probe] [--no-access-log] [--batch N [--format json|ndjson|csv|v2] [--reversed-keys]]
//
// Markdown on stdout, progress on stderr.
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { log, repo } from './lib/harness.mjs';
import { treeCpuSeconds } from './lib/process-cpu.mjs';
import { batchRequest, predictRequest, rawRows, startServer, stopServer } from './lib/serve-child.mjs';
import { hasWrk, wrk } from './lib/wrk.mjs';

const { values } = parseArgs({
  options: {
    variant: { type: 'string', multiple: true, default: [] },
    workers: { type: 'string', default: '1' },
    rounds: { type: 'string', default: '3' },
    duration: { type: 'string', default: '8' },
    warmup: { type: 'string', default: '2' },
    connections: { type: 'string' },
    batch: { type: 'string' },
    format: { type: 'string', default: 'json' },
    'reversed-keys': { type: 'boolean', default: false },
    model: { type: 'string', default: join(repo, 'models', 'churn') },
    floor: { type: 'boolean', default: false },
    'node-floor': { type: 'boolean', default: false },
    probe: { type: 'boolean', default: false },
    'no-access-log': { type: 'boolean', default: false },
  },
});
if (!hasWrk()) throw new Error('wrk is required (apt-get install wrk)');
if (values.variant.length === 0) throw new Error('usage: node bench/serve-ab.mjs --variant NAME=BIN[,NODE_OPTION…] … (see the comment on top)');
const workers = Number(values.workers);
const batch = values.batch === undefined ? 0 : Number(values.batch);
if (values.batch !== undefined && !(Number.isInteger(batch) && batch > 0)) throw new Error(`--batch takes a number of rows, not '${values.batch}'`);
if (batch && values['node-floor']) throw new Error('--node-floor is for single /predict; leave it out with --batch');
if (batch && values.floor && values.format !== 'json') throw new Error('--floor with --batch answers a JSON batch only (--format json)');
const connections = Number(values.connections ?? (batch ? 1 : 64));
const key = 'bench-key-1';
if (!batch && values.format !== 'json') throw new Error('--format is for --batch');
const batchRowsSent = () => rawRows(values.model, batch).map((row) => (values['reversed-keys'] ? Object.fromEntries(Object.entries(row).reverse()) : row));
const request = batch ? batchRequest(batchRowsSent(), values.format, key) : predictRequest(rawRows(values.model, 1)[0], key);
const route = !batch ? '/predict' : values.format === 'v2' ? `/v2/models/${basename(resolve(values.model))}/infer` : '/predict/batch';
const probeDir = values.probe ? mkdtempSync(join(tmpdir(), 'pipe-bench-probe-')) : undefined;
const probeOptions = probeDir ? [`--import=${join(repo, 'bench', 'lib', 'loop-probe.mjs')}`] : [];

const variants = values.variant.map((spec) => {
  const [name, rest] = spec.split(/=(.*)/s);
  const [bin, ...nodeOptions] = (rest ?? '').split(',').filter(Boolean);
  if (!name || !bin) throw new Error(`--variant takes NAME=BIN[,NODE_OPTION…], not '${spec}'`);
  return { name, nodeOptions, start: (env) => startServer(name, process.execPath, [...nodeOptions, resolve(bin), 'serve', values.model, '--port', '0', ...(workers > 1 ? ['--workers', String(workers)] : []), ...(values['no-access-log'] ? ['--no-access-log'] : [])], { env: { PIPE_SERVE_API_KEYS: key, ...env } }), path: route };
});
if (values.floor) {
  const floorBin = workers > 1 ? [join(repo, 'bench', 'lib', 'hello-cluster.mjs'), String(workers)] : [join(repo, 'bench', 'lib', 'hello-server.mjs')];
  const floorEnv = batch ? { HELLO_ANSWER_ROWS: String(batch) } : {};
  variants.unshift({ name: `Hono ${batch ? 'batch transport' : 'hello'} (floor)${workers > 1 ? `, ${workers}-worker cluster` : ''}`, nodeOptions: [], start: (env) => startServer('floor', process.execPath, floorBin, { env: { ...env, ...floorEnv } }), path: '/' });
}
if (values['node-floor']) variants.unshift({ name: 'node:http hello (no framework), one process', nodeOptions: [], start: (env) => startServer('node floor', process.execPath, [join(repo, 'bench', 'lib', 'node-hello-server.mjs')], { env }), path: '/' });

const results = new Map(variants.map((v) => [v.name, []]));
const load0 = loadavg();
const rounds = Number(values.rounds);
for (let round = 0; round < rounds; round++) {
  for (let i = 0; i < variants.length; i++) {
    const v = variants[(i + round) % variants.length];
    const env = { NODE_OPTIONS: [...(process.env.NODE_OPTIONS ? [process.env.NODE_OPTIONS] : []), ...probeOptions].join(' '), ...(probeDir ? { PIPE_LOOP_PROBE_DIR: join(probeDir, `${round}-${i}`) } : {}) };
    if (probeDir) rmSync(env.PIPE_LOOP_PROBE_DIR, { recursive: true, force: true });
    if (probeDir) (await import('node:fs')).mkdirSync(env.PIPE_LOOP_PROBE_DIR);
    const server = await v.start(env);
    const url = `${server.url}${v.path}`;
    await wrk(url, { duration: Number(values.warmup), connections, request });
    if (probeDir) for (const pid of [server.pid, ...(await import('./lib/process-cpu.mjs')).childPids(server.pid)]) process.kill(pid, 'SIGUSR2');
    const cpu0 = treeCpuSeconds(server.pid);
    const r = await wrk(url, { duration: Number(values.duration), connections, request });
    const cpuUs = ((treeCpuSeconds(server.pid) - cpu0) * 1e6) / r.requests;
    await stopServer(server);
    const probes = probeDir ? readdirSync(env.PIPE_LOOP_PROBE_DIR).map((f) => JSON.parse(readFileSync(join(env.PIPE_LOOP_PROBE_DIR, f), 'utf8'))) : [];
    const la = loadavg()[0].toFixed(2);
    log(`round ${round + 1} ${v.name}: ${r.rps.toFixed(0)} req/s${batch ? ` (${(r.rps * batch).toFixed(0)} rows/s)` : ''}, mean ${r.mean} ms, p50 ${r.p50} ms, p99 ${r.p99} ms, max ${r.max} ms, ${cpuUs.toFixed(1)} µs CPU/request, errors ${r.errors}, load ${la}`);
    results.get(v.name).push({ ...r, cpuUs, probes, load: la });
  }
}
const load1 = loadavg();
if (probeDir) rmSync(probeDir, { recursive: true, force: true });

const fmt = (x, d = 0) => x.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d });
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[s.length >> 1] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const out = [];
out.push(`Machine: ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, Node ${process.version}; load average ${load0.map((x) => x.toFixed(2)).join(' ')} before, ${load1.map((x) => x.toFixed(2)).join(' ')} after.`);
out.push(`Command: node bench/serve-ab.mjs ${process.argv.slice(2).join(' ')}; wrk 4 (one thread, ${connections} connections), ${values.duration} s per run after ${values.warmup} s of warm-up, ${rounds} rounds.`, '');
if (batch) {
  out.push(`| variant | POST ${route} of ${fmt(batch)} rows (${values.format}${values['reversed-keys'] ? ', keys reversed' : ''}) | rows/s (median) | mean ms | p50 ms | p99 ms (median) | p99 ms per run | errors | CPU ms / batch (median) | CPU ms / batch per run |`, '| --- | --- | ---: | ---: | ---: | ---: | --- | ---: | ---: | --- |');
  for (const v of variants) {
    const rs = results.get(v.name);
    out.push(
      `| ${v.name}${v.nodeOptions.length ? ` (${v.nodeOptions.join(' ')})` : ''} | ${connections} connection(s)${workers > 1 ? `, --workers ${workers}` : ''} | ${fmt(median(rs.map((r) => r.rps * batch)))} | ${fmt(median(rs.map((r) => r.mean)), 2)} | ${fmt(median(rs.map((r) => r.p50)), 2)} | ${fmt(median(rs.map((r) => r.p99)), 2)} | ${rs.map((r) => fmt(r.p99, 2)).join(' / ')} | ${rs.reduce((a, r) => a + r.errors, 0)} | ${fmt(median(rs.map((r) => r.cpuUs / 1000)), 2)} | ${rs.map((r) => fmt(r.cpuUs / 1000, 2)).join(' / ')} |`,
    );
  }
  process.stdout.write(`${out.join('\n')}\n`);
  process.exit(0);
}
out.push('| variant | req/s (median) | p50 ms | p99 ms (median) | p99 ms per run | max ms | errors | CPU µs / request |', '| --- | ---: | ---: | ---: | --- | ---: | ---: | ---: |');
for (const v of variants) {
  const rs = results.get(v.name);
  out.push(
    `| ${v.name}${v.nodeOptions.length ? ` (${v.nodeOptions.join(' ')})` : ''} | ${fmt(median(rs.map((r) => r.rps)))} | ${fmt(median(rs.map((r) => r.p50)), 2)} | ${fmt(median(rs.map((r) => r.p99)), 2)} | ${rs.map((r) => fmt(r.p99, 2)).join(' / ')} | ${fmt(Math.max(...rs.map((r) => r.max)), 1)} | ${rs.reduce((a, r) => a + r.errors, 0)} | ${fmt(median(rs.map((r) => r.cpuUs)), 1)} |`,
  );
}
if (probeDir) {
  out.push('', '| variant | loop delay p50 / p99 / p99.9 / max ms (worst process, median of runs) | scavenges / s | scavenge p50 / max ms | mark-compacts | mark-compact max ms |', '| --- | --- | ---: | --- | ---: | ---: |');
  for (const v of variants) {
    const rs = results.get(v.name).filter((r) => r.probes.length);
    if (rs.length === 0) continue;
    // The serving processes: a cluster's primary answers nothing, so it is the one with the fewest scavenges.
    const serving = (r) => (r.probes.length > 1 ? [...r.probes].sort((a, b) => b.gc.minor.count - a.gc.minor.count).slice(0, r.probes.length - 1) : r.probes);
    const worst = (r, f) => Math.max(...serving(r).map(f));
    const m = (f) => median(rs.map((r) => worst(r, f)));
    out.push(
      `| ${v.name} | ${fmt(m((p) => p.loopDelay.p50Ms), 2)} / ${fmt(m((p) => p.loopDelay.p99Ms), 2)} / ${fmt(m((p) => p.loopDelay.p999Ms), 2)} / ${fmt(m((p) => p.loopDelay.maxMs), 1)} | ${fmt(median(rs.map((r) => serving(r).reduce((a, p) => a + p.gc.minor.count / p.seconds, 0))), 1)} | ${fmt(m((p) => p.gc.minor.p50Ms), 2)} / ${fmt(m((p) => p.gc.minor.maxMs), 2)} | ${fmt(median(rs.map((r) => serving(r).reduce((a, p) => a + p.gc.major.count, 0))))} | ${fmt(m((p) => p.gc.major.maxMs), 2)} |`,
    );
  }
}
process.stdout.write(`${out.join('\n')}\n`);
process.exit(0);
