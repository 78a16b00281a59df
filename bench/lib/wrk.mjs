// wrk (Debian's wrk 4) as a load generator for the serve benches: far less CPU per request than
// autocannon, so on a 2-core machine the server under test gets more of the other core. Runs one
// `wrk --latency` and parses its report; the request (method, body, headers) goes in a Lua script.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { has } from './harness.mjs';

export const hasWrk = () => has('wrk');

/** Milliseconds from wrk's `1.23ms`, `456.00us`, `1.02s`, `2.00m`. */
function ms(text) {
  const m = /^([\d.]+)(us|ms|s|m)$/.exec(text);
  if (!m) return NaN;
  return Number(m[1]) * { us: 0.001, ms: 1, s: 1000, m: 60000 }[m[2]];
}

/** Parses `wrk --latency`'s report. */
export function parseWrk(out) {
  const latency = /^\s*Latency\s+(\S+)\s+(\S+)\s+(\S+)/m.exec(out);
  const pct = (p) => ms(new RegExp(`^\\s*${p}%\\s+(\\S+)`, 'm').exec(out)?.[1] ?? '');
  const requests = Number(/(\d+) requests in/.exec(out)?.[1] ?? NaN);
  const non2xx = Number(/Non-2xx or 3xx responses: (\d+)/.exec(out)?.[1] ?? 0);
  const socket = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(out);
  const socketErrors = socket ? socket.slice(1).reduce((a, b) => a + Number(b), 0) : 0;
  return {
    requests,
    rps: Number(/Requests\/sec:\s+([\d.]+)/.exec(out)?.[1] ?? NaN),
    mean: ms(latency?.[1] ?? ''),
    max: ms(latency?.[3] ?? ''),
    p50: pct(50),
    p90: pct(90),
    p99: pct(99),
    errors: non2xx + socketErrors,
  };
}

/**
 * One wrk run against `url`: `duration` seconds (or until stopped), `connections` connections on
 * one thread. `request`: { method, body, headers }. Resolves to parseWrk's figures (and the text).
 */
export function wrk(url, { duration, connections = 64, threads = 1, request = {}, timeout = '10s' }) {
  const dir = mkdtempSync(join(tmpdir(), 'pipe-bench-wrk-'));
  const script = join(dir, 'request.lua');
  const lines = [`wrk.method = ${JSON.stringify(request.method ?? 'GET')}`];
  if (request.body !== undefined) lines.push(`wrk.body = ${JSON.stringify(request.body)}`);
  for (const [k, v] of Object.entries(request.headers ?? {})) lines.push(`wrk.headers[${JSON.stringify(k)}] = ${JSON.stringify(v)}`);
  writeFileSync(script, `${lines.join('\n')}\n`);
  const args = ['--latency', '-t', String(threads), '-c', String(connections), '-d', `${duration}s`, '--timeout', timeout, '-s', script, url];
  return new Promise((resolve, reject) => {
    const child = spawn('wrk', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.setEncoding('utf8').on('data', (c) => (out += c));
    child.stderr.setEncoding('utf8').on('data', (c) => (err += c));
    child.on('error', reject);
    child.on('exit', (code) => {
      rmSync(dir, { recursive: true, force: true });
      if (code !== 0) return reject(new Error(`wrk exited ${code}: ${err || out}`));
      resolve({ ...parseWrk(out), text: out });
    });
  });
}
