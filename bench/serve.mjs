#!/usr/bin/env node
// `pipe serve` under load (issue 16's performance section), next to references measured in the
// same run: node:http alone answering a small JSON object (the framework-free floor), a plain Hono
// "hello" app (the floor of a Hono service: what this machine's HTTP stack and Hono can do at all),
// in one process and in a 2-worker node:cluster (the floor of `--workers 2`), and FastAPI +
// scikit-learn serving the same features (the Python stack users come from; skipped when Debian's
// python3-fastapi, python3-uvicorn and python3-sklearn are not installed) written two ways: lean
// (bench/lib/fastapi_server.py: a dict body, pipe's preprocessing hand-written in a loop, no auth
// or metrics) and idiomatic (bench/lib/fastapi_idiomatic_server.py: what a FastAPI + scikit-learn
// user writes for the work pipe serve does — a pydantic model of the feature schema, a
// scikit-learn Pipeline of the training preprocessing, a bearer key, Prometheus metrics; also
// needs python3-prometheus-client). pipe serve runs with
// auth (a bearer key), validation, metrics, drift and the access log on (its stdout is a pipe),
// in one process and with --workers 2. The load generator is wrk when installed (its --latency
// gives p99), else autocannon in this process. Server CPU per request sums the server's process
// and its children (a cluster's primary and workers) from /proc. Batches of 1,000 rows go over 1
// connection (latency) and over --batch-connections (throughput: rows/s), in one process and with
// --workers 2.
//
//   npm run build && npx pipe repro   # the example model, models/churn
//   node bench/serve.mjs [--duration S] [--connections N] [--batch-seconds S] [--batch-connections N] [--model DIR] [--autocannon]
//
// Markdown on stdout, progress on stderr.
import { spawnSync } from 'node:child_process';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import { log, repo } from './lib/harness.mjs';
import { treeCpuSeconds } from './lib/process-cpu.mjs';
import { predictRequest, rawRows, startPipeServe, startServer, stopServer } from './lib/serve-child.mjs';
import { hasWrk, wrk } from './lib/wrk.mjs';

const { values } = parseArgs({
  options: {
    duration: { type: 'string', default: '10' },
    connections: { type: 'string', default: '64' },
    'batch-seconds': { type: 'string', default: '10' },
    'batch-connections': { type: 'string', default: '4' },
    model: { type: 'string', default: join(repo, 'models', 'churn') },
    autocannon: { type: 'boolean', default: false },
  },
});
const duration = Number(values.duration);
const batchSeconds = Number(values['batch-seconds']);
const batchConnections = Number(values['batch-connections']);
const connections = Number(values.connections);
const useWrk = !values.autocannon && hasWrk();
const generator = useWrk ? 'wrk 4 (one thread)' : 'autocannon (in the bench process)';

/** One load run: wrk, else autocannon; latencies in ms. */
async function load(url, request, { connections: c = connections, seconds = duration } = {}) {
  if (useWrk) return wrk(url, { duration: seconds, connections: c, request });
  const r = await autocannon({ url, method: request.method, connections: c, duration: seconds, headers: request.headers, body: request.body });
  return { requests: r.requests.total, rps: r.requests.average, mean: r.latency.average, p50: r.latency.p50, p99: r.latency.p99, max: r.latency.max, errors: r.errors + r.non2xx };
}

const row = rawRows(values.model, 1)[0];
const single = predictRequest(row);
const batch = predictRequest(rawRows(values.model, 1000));
const load0 = loadavg();
const results = [];

/** Warms `server` up, then measures `request` against `path`; the server stops afterwards. */
async function measure(name, server, path, request, options = {}) {
  const { connections: c = connections, seconds = duration } = options;
  log(`${name}: ${c} connection(s) for ${seconds} s …`);
  const url = `${server.url}${path}`;
  await load(url, request, { connections: c, seconds: 2 });
  const cpu0 = treeCpuSeconds(server.pid);
  const r = await load(url, request, { connections: c, seconds });
  const cpuUs = ((treeCpuSeconds(server.pid) - cpu0) * 1e6) / r.requests;
  return { name, ...r, cpuUs };
}

const python = '/usr/bin/python3';
const hasFastapi = spawnSync(python, ['-c', 'import fastapi, uvicorn, sklearn'], { stdio: 'ignore' }).status === 0;
const hasIdiomatic = hasFastapi && spawnSync(python, ['-c', 'import prometheus_client, pydantic'], { stdio: 'ignore' }).status === 0;
const batches = [];

// One server at a time: each gets the machine to itself (with wrk).
log('floors …');
let server = await startServer('node:http hello', process.execPath, [join(repo, 'bench', 'lib', 'node-hello-server.mjs')]);
const nodeFloor = await measure('node:http hello (no framework), one process', server, '/', single);
results.push(nodeFloor);
await stopServer(server);
server = await startServer('hono hello', process.execPath, [join(repo, 'bench', 'lib', 'hello-server.mjs')]);
const floor = await measure('Hono hello (floor), one process', server, '/', single);
results.push(floor);
await stopServer(server);
server = await startServer('hono hello cluster', process.execPath, [join(repo, 'bench', 'lib', 'hello-cluster.mjs'), '2']);
const floor2 = await measure('Hono hello (floor), 2-worker cluster', server, '/', single);
results.push(floor2);
await stopServer(server);

server = await startPipeServe(values.model);
const pipe1 = await measure('pipe serve POST /predict, one process', server, '/predict', single);
results.push(pipe1);
const engine = JSON.parse(await (await globalThis.fetch(`${server.url}/model`, { headers: single.headers })).text()).engine;
batches.push({ ...(await measure('pipe serve POST /predict/batch', server, '/predict/batch', batch, { connections: 1, seconds: batchSeconds })), connections: 1 });
batches.push({ ...(await measure('pipe serve POST /predict/batch', server, '/predict/batch', batch, { connections: batchConnections, seconds: batchSeconds })), connections: batchConnections });
await stopServer(server);

server = await startPipeServe(values.model, ['--workers', '2']);
const pipe2 = await measure('pipe serve POST /predict, --workers 2', server, '/predict', single);
results.push(pipe2);
batches.push({ ...(await measure('pipe serve POST /predict/batch, --workers 2', server, '/predict/batch', batch, { connections: batchConnections, seconds: batchSeconds })), connections: batchConnections });
await stopServer(server);

/** A FastAPI peer (bench/lib/SCRIPT): single rows at `connections`, then batches over one connection; its single-row result. */
async function measurePeer(script, singleLabel, batchLabel) {
  server = await startServer(script, python, [join(repo, 'bench', 'lib', script), repo]);
  const r = await measure(singleLabel, server, '/predict', single);
  results.push(r);
  batches.push({ ...(await measure(batchLabel, server, '/predict/batch', batch, { connections: 1, seconds: batchSeconds })), connections: 1 });
  await stopServer(server);
  return r;
}
const fastapi = hasFastapi ? await measurePeer('fastapi_server.py', 'FastAPI + scikit-learn POST /predict (one uvicorn worker)', 'FastAPI + scikit-learn POST /predict/batch') : undefined;
const idiomatic = hasIdiomatic
  ? await measurePeer(
      'fastapi_idiomatic_server.py',
      'FastAPI + scikit-learn, idiomatic (pydantic, sklearn Pipeline, key, metrics) POST /predict',
      'FastAPI + scikit-learn, idiomatic, POST /predict/batch',
    )
  : undefined;
const load1 = loadavg();

const fmt = (x, d = 0) => x.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d });
const out = [];
out.push(`Machine: ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, Node ${process.version}; load average ${load0.map((x) => x.toFixed(2)).join(' ')} before, ${load1.map((x) => x.toFixed(2)).join(' ')} after.`);
out.push(`Command: node bench/serve.mjs --duration ${duration} --connections ${connections} --batch-seconds ${batchSeconds} --batch-connections ${batchConnections}${values.autocannon ? ' --autocannon' : ''}; load generator: ${generator}; engine: ${engine}.`, '');
out.push(`| single row, ${connections} connections | req/s | p50 ms | p99 ms | max ms | errors | server CPU µs / request |`, '| --- | ---: | ---: | ---: | ---: | ---: | ---: |');
for (const r of results) out.push(`| ${r.name} | ${fmt(r.rps)} | ${fmt(r.p50, 2)} | ${fmt(r.p99, 2)} | ${fmt(r.max, 1)} | ${r.errors} | ${fmt(r.cpuUs)} |`);
const ratio = (a, b) => fmt(a.rps / b.rps, 2);
out.push(
  '',
  `The Hono floor / node:http alone: ${ratio(floor, nodeFloor)} (CPU per request: ${fmt(floor.cpuUs / nodeFloor.cpuUs, 2)}×). pipe serve / floor: one process ${ratio(pipe1, floor)}, two workers ${ratio(pipe2, floor2)} (CPU per request: ${fmt(pipe1.cpuUs / floor.cpuUs, 2)}× and ${fmt(pipe2.cpuUs / floor2.cpuUs, 2)}× the floor's).` +
    (fastapi
      ? ` pipe serve / FastAPI: one process ${fmt(pipe1.rps / fastapi.rps, 1)}×, two workers ${fmt(pipe2.rps / fastapi.rps, 1)}×; the floor itself / FastAPI: ${fmt(floor.rps / fastapi.rps, 1)}× (one process), ${fmt(floor2.rps / fastapi.rps, 1)}× (two); node:http alone / FastAPI: ${fmt(nodeFloor.rps / fastapi.rps, 1)}×.`
      : ' FastAPI not measured (python3-fastapi, python3-uvicorn, python3-sklearn not installed).') +
    (idiomatic
      ? ` pipe serve / idiomatic FastAPI: one process ${fmt(pipe1.rps / idiomatic.rps, 1)}×, two workers ${fmt(pipe2.rps / idiomatic.rps, 1)}× (CPU per request: idiomatic FastAPI ${fmt(idiomatic.cpuUs / pipe1.cpuUs, 1)}× pipe's one process).`
      : hasFastapi
        ? ' Idiomatic FastAPI not measured (python3-prometheus-client not installed).'
        : ''),
  '',
);
out.push('| batch of 1,000 rows | connections | mean ms | p50 ms | p99 ms | rows/s | errors | server CPU ms / batch |', '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
for (const b of batches) out.push(`| ${b.name} | ${b.connections} | ${fmt(b.mean, 2)} | ${fmt(b.p50, 2)} | ${fmt(b.p99, 2)} | ${fmt(b.rps * 1000)} | ${b.errors} | ${fmt(b.cpuUs / 1000, 1)} |`);
process.stdout.write(`${out.join('\n')}\n`);
process.exit(0);
