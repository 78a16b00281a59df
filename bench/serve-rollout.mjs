#!/usr/bin/env node
// `pipe serve` while it changes models (issue 16: p99 during a hot reload ≤ 20 ms; issue 17: with
// a shadow model ≥ 50% of the throughput without). Single-row POST /predict at 64 connections:
//   1. throughput without and with --shadow (a second package scored after every answer);
//   2. p99 over a run with no reload, then over a run with SIGHUP every --reload-every seconds
//      (each reload loads, checks and warms the package beside the serving one, then swaps), both
//      saturating (--rate 0, the default) or at a fixed --rate req/s (autocannon's overallRate,
//      which sends in bursts: on a loaded machine its p99 was worse than saturating, not better).
// Server CPU per request (from /proc) is given too: on a shared machine it moves less than req/s.
// By default the packages are the tests' tiny trained model and a shifted copy (written to a temp
// dir); --model DIR and --shadow DIR serve others (e.g. the example's models/churn).
//
//   npm run build && node bench/serve-rollout.mjs [--duration S] [--connections N] [--reload-every S]
//
// Markdown on stdout, progress on stderr.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import { log, repo } from './lib/harness.mjs';
import { cpuSeconds } from './lib/process-cpu.mjs';

const { values } = parseArgs({
  options: {
    duration: { type: 'string', default: '10' },
    connections: { type: 'string', default: '64' },
    'reload-every': { type: 'string', default: '1' },
    rate: { type: 'string', default: '0' },
    model: { type: 'string' },
    shadow: { type: 'string' },
  },
});
const duration = Number(values.duration);
const connections = Number(values.connections);
const children = [];
const scratch = mkdtempSync(join(tmpdir(), 'pipe-bench-rollout-'));
process.on('exit', () => {
  children.forEach((c) => c.kill('SIGTERM'));
  rmSync(scratch, { recursive: true, force: true });
});

log('writing the packages …');
const made = spawnSync(process.execPath, [join(repo, 'node_modules', 'tsx', 'dist', 'cli.mjs'), join(repo, 'bench', 'lib', 'rollout-packages.ts'), scratch], { cwd: repo, stdio: ['ignore', 'ignore', 'inherit'] });
if (made.status !== 0) throw new Error('writing the packages failed');
const primary = values.model ?? join(scratch, 'primary');
const shadow = values.shadow ?? join(scratch, 'shadow');
const rows = JSON.parse(readFileSync(join(scratch, 'rows.json'), 'utf8'));
const body = JSON.stringify(values.model ? JSON.parse(readFileSync(join(primary, 'feature-schema.json'), 'utf8')).examples?.[0] ?? rows[0] : rows[0]);

function start(args) {
  const child = spawn(process.execPath, [join(repo, 'bin', 'pipe.js'), 'serve', ...args, '--port', '0', '--no-access-log'], { cwd: scratch, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NO_COLOR: '1' } });
  children.push(child);
  let err = '';
  child.stderr.setEncoding('utf8').on('data', (c) => (err += c));
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (c) => {
      out += c;
      const url = / at (http:\/\/127\.0\.0\.1:\d+) /.exec(out)?.[1];
      if (url) resolve({ url, child, stderr: () => err });
    });
    child.on('exit', (code) => reject(new Error(`pipe serve exited (${code}) before listening:\n${err}`)));
  });
}

const load = (url, opts = {}) => autocannon({ url: `${url}/predict`, method: 'POST', connections, duration, headers: { 'content-type': 'application/json' }, body, ...opts });
const summary = (r, cpu) => ({ rps: r.requests.average, p50: r.latency.p50, p99: r.latency.p99, max: r.latency.max, errors: r.errors + r.non2xx + r.timeouts, cpuUs: (cpu * 1e6) / r.requests.total });
async function measured(server, opts) {
  const cpu0 = cpuSeconds(server.child.pid);
  const r = await load(server.url, opts);
  return summary(r, cpuSeconds(server.child.pid) - cpu0);
}

const load0 = loadavg();
log('starting pipe serve, without and with --shadow …');
const plain = await start([primary]);
const shadowed = await start([primary, '--shadow', shadow]);
const results = {};
for (const [name, server] of [['without shadow', plain], ['with --shadow', shadowed], ['without shadow (again)', plain]]) {
  log(`${name}: ${connections} connections for ${duration} s …`);
  await load(server.url, { duration: 2 });
  results[name] = await measured(server);
}
const shadowRows = /^pipe_serve_shadow_predictions_total\{[^}]*agreed="(?:true|false)"\} (\d+)/gm;
const metricsText = await (await globalThis.fetch(`${shadowed.url}/metrics`)).text();
const shadowScored = [...metricsText.matchAll(shadowRows)].reduce((a, m) => a + Number(m[1]), 0);
shadowed.child.kill('SIGTERM');

log(`reload: a run without reloads, then one with SIGHUP every ${values['reload-every']} s …`);
const rate = Number(values.rate) > 0 ? { overallRate: Number(values.rate) } : {};
const quiet = await measured(plain, rate);
let reloads = 0;
const timer = globalThis.setInterval(() => {
  plain.child.kill('SIGHUP');
  reloads++;
}, Number(values['reload-every']) * 1000);
const reloading = await measured(plain, rate);
globalThis.clearInterval(timer);
await new Promise((r) => globalThis.setTimeout(r, 2000));
const okReloads = Number(/^pipe_serve_model_reloads_total\{result="ok"\} (\d+)/m.exec(await (await globalThis.fetch(`${plain.url}/metrics`)).text())?.[1] ?? 0);
const load1 = loadavg();

const fmt = (x, d = 0) => x.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d });
const out = [];
out.push(`Machine: ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, Node ${process.version}; load average ${load0.map((x) => x.toFixed(2)).join(' ')} before, ${load1.map((x) => x.toFixed(2)).join(' ')} after.`);
out.push(`Command: node bench/serve-rollout.mjs --duration ${duration} --connections ${connections} --reload-every ${values['reload-every']} --rate ${values.rate}${values.model ? ` --model ${values.model}` : ''}${values.shadow ? ` --shadow ${values.shadow}` : ''}; model: ${values.model ? primary : "the tests' tiny package, shadow: its shifted copy"}.`, '');
const row = (name, r) => `| ${name} | ${fmt(r.rps)} | ${fmt(r.p50, 2)} | ${fmt(r.p99, 2)} | ${fmt(r.max, 1)} | ${r.errors} | ${fmt(r.cpuUs)} |`;
out.push(`| POST /predict, ${connections} connections, ${duration} s | req/s | p50 ms | p99 ms | max ms | errors | server CPU µs / request |`, '| --- | ---: | ---: | ---: | ---: | ---: | ---: |');
for (const [name, r] of Object.entries(results)) out.push(row(name, r));
const at = Number(values.rate) > 0 ? `, ${values.rate} req/s` : '';
out.push(row(`no reload${at}`, quiet));
out.push(row(`SIGHUP every ${values['reload-every']} s (${reloads} sent, ${okReloads} reloads done)${at}`, reloading));
const without = (results['without shadow'].rps + results['without shadow (again)'].rps) / 2;
const cpuWithout = (results['without shadow'].cpuUs + results['without shadow (again)'].cpuUs) / 2;
out.push('', `With a shadow: ${fmt((100 * results['with --shadow'].rps) / without)}% of the throughput without (mean of the runs before and after), ${fmt((100 * cpuWithout) / results['with --shadow'].cpuUs)}% by server CPU per request; the shadow scored ${fmt(shadowScored)} rows.`);
process.stdout.write(`${out.join('\n')}\n`);
process.exit(0);
