// Starting the servers the serve benches measure (pipe serve, the Hono floor, FastAPI) in child
// processes, and the example's raw customer rows they are sent.
import { spawn } from 'node:child_process';
import { connect } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { repo } from './harness.mjs';

const children = new Set();
process.on('exit', () => children.forEach((c) => c.kill('SIGTERM')));

/** Starts a server child and resolves to {url, pid, child, output()} once it prints its port (`"port": N` or `127.0.0.1:N`). */
export function startServer(name, command, args, { env = {}, cwd = repo } = {}) {
  const child = spawn(command, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NO_COLOR: '1', ...env } });
  children.add(child);
  child.on('exit', () => children.delete(child));
  let err = '';
  let out = '';
  child.stderr.setEncoding('utf8').on('data', (c) => (err += c));
  return new Promise((resolve, reject) => {
    let found = false;
    child.stdout.setEncoding('utf8').on('data', (c) => {
      // An access log can be long: keep the start only (the port is there).
      if (out.length < 1 << 16) out += c;
      const port = found ? undefined : (/"port":\s*(\d+)/.exec(out)?.[1] ?? /127\.0\.0\.1:(\d+)/.exec(out)?.[1]);
      if (port) {
        found = true;
        // Some servers (uvicorn) print their port before they accept connections.
        void accepting(Number(port)).then(() => resolve({ url: `http://127.0.0.1:${port}`, pid: child.pid, child, stderr: () => err }), reject);
      }
    });
    child.on('exit', (code) => reject(new Error(`${name} exited (${code}) before listening:\n${err}`)));
  });
}

/** Resolves once 127.0.0.1:port accepts a connection (within 30 s). */
async function accepting(port) {
  for (let i = 0; i < 300; i++) {
    const ok = await new Promise((resolve) => {
      const socket = connect(port, '127.0.0.1', () => {
        socket.destroy();
        resolve(true);
      });
      socket.on('error', () => resolve(false));
    });
    if (ok) return;
    await sleep(100);
  }
  throw new Error(`nothing accepts connections on 127.0.0.1:${port}`);
}

/** Stops a server child (SIGTERM) and waits for it. */
export function stopServer(server) {
  return new Promise((resolve) => {
    if (server.child.exitCode !== null || server.child.signalCode !== null) return resolve();
    server.child.once('exit', () => resolve());
    server.child.kill('SIGTERM');
  });
}

/** The first `n` raw rows of the example's customer table, typed as `modelDir`'s feature schema says, without the label. */
export function rawRows(modelDir, n) {
  const schema = JSON.parse(readFileSync(join(modelDir, 'feature-schema.json'), 'utf8'));
  const numeric = new Set(Object.entries(schema.properties).filter(([, p]) => [p.type].flat().some((t) => t === 'number' || t === 'integer')).map(([k]) => k));
  const text = readFileSync(join(repo, 'data', 'raw', 'customers.csv'), 'utf8');
  const records = parse(text, { columns: true, to: n });
  return records.map((r) => Object.fromEntries(Object.entries(r).filter(([k]) => k in schema.properties).map(([k, v]) => [k, v === '' ? null : numeric.has(k) ? Number(v) : v])));
}

/** `pipe serve MODEL` with an API key (auth on, as the issue measures), on a free port; extra args after. */
export function startPipeServe(model, args = [], { key = 'bench-key-1', env = {} } = {}) {
  return startServer('pipe serve', process.execPath, [join(repo, 'bin', 'pipe.js'), 'serve', model, '--port', '0', ...args], { env: { PIPE_SERVE_API_KEYS: key, ...env } });
}

/** A CSV field as an exporter writes it: quoted only when it must be. */
const csvField = (v) => (v === null || v === undefined ? '' : /[",\r\n]/.test(String(v)) ? `"${String(v).replaceAll('"', '""')}"` : String(v));

/** POST /predict/batch's request for `rows` as a body of `format`: json (an array), ndjson or csv (with a header); or v2, the KServe V2 infer request's; with the bearer key. */
export function batchRequest(rows, format = 'json', key = 'bench-key-1') {
  const columns = Object.keys(rows[0] ?? {});
  const bodies = {
    json: () => ['application/json', JSON.stringify(rows)],
    ndjson: () => ['application/x-ndjson', rows.map((r) => `${JSON.stringify(r)}\n`).join('')],
    csv: () => ['text/csv', [columns.join(','), ...rows.map((r) => columns.map((c) => csvField(r[c])).join(','))].join('\n') + '\n'],
    // KServe V2's infer request (for POST /v2/models/NAME/infer): one [N] tensor a column.
    v2: () => ['application/json', JSON.stringify({ inputs: columns.map((c) => ({ name: c, shape: [rows.length], datatype: rows.some((r) => typeof r[c] === 'string') ? 'BYTES' : 'FP64', data: rows.map((r) => r[c]) })) })],
  };
  if (!(format in bodies)) throw new Error(`a batch body is json, ndjson, csv or v2, not '${format}'`);
  const [type, body] = bodies[format]();
  return { method: 'POST', body, headers: { 'Content-Type': type, Authorization: `Bearer ${key}` } };
}

/** The request wrk sends: one raw row, JSON, with the bearer key. */
export function predictRequest(row, key = 'bench-key-1') {
  return { method: 'POST', body: JSON.stringify(row), headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${key}` } };
}
