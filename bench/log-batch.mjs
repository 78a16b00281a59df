// What a log line costs when written to a pipe a few lines at a time against many at a time: the
// writer's and the reader's CPU (user + system, process.cpuUsage) per line, for batches of K
// ~200-byte access-log lines, one batch per turn of the event loop once the one before is written, read by a Node reader (as a
// log shipper or the bench harness reads a service's stdout). Why pipe serve's access log writes in
// batches (serve/habits/access-log.ts).
//
//   node bench/log-batch.mjs [--lines N] [--batches 4,16,80,400] [--rounds R]
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { cpus, loadavg, tmpdir } from 'node:os';

const { values } = parseArgs({ options: { lines: { type: 'string', default: '400000' }, batches: { type: 'string', default: '4,16,80,400' }, rounds: { type: 'string', default: '3' } } });
const lines = Number(values.lines);
const batches = values.batches.split(',').map(Number);

const WRITER = `
const [K, N] = process.argv.slice(1).map(Number);
const line = JSON.stringify({ time: new Date().toISOString(), requestId: '8d3f7c1e-0b5a-4c1e-9f3a-2b6d8e4c1a7f', method: 'POST', route: '/predict', status: 200, durationMs: 0.123, keyId: 'ab12cd34', modelVersion: 'v1.2.0' }) + '\\n';
let left = N;
const c0 = process.cpuUsage();
const step = () => {
  let s = '';
  for (let i = 0; i < K && left > 0; i++, left--) s += line;
  // The next batch once this one is written (not queued ahead of the reader), as a service whose log keeps up.
  process.stdout.write(s, () => {
    if (left > 0) setImmediate(step);
    else { const c = process.cpuUsage(c0); process.stderr.write(String((c.user + c.system) / N)); }
  });
};
step();`;
const READER = `
const c0 = process.cpuUsage();
process.stdin.setEncoding('utf8').on('data', () => {}).on('end', () => { const c = process.cpuUsage(c0); process.stderr.write(String((c.user + c.system) / Number(process.argv[1]))); });`;

/** One writer | reader pipeline through sh (a pipe, as a service's stdout is; Node's own stdio pipes are socket pairs): µs a line of each. */
function pipeline(k) {
  const child = spawn('sh', ['-c', `"$NODE" -e "$WRITER" ${k} ${lines} 2>"$OUT.w" | "$NODE" -e "$READER" ${lines} 2>"$OUT.r"`], {
    stdio: 'ignore',
    env: { ...process.env, NODE: process.execPath, WRITER, READER, OUT: out },
  });
  return new Promise((resolve, reject) =>
    child.on('exit', (code) => {
      if (code !== 0) return reject(new Error(`the pipeline exited ${code}: ${readFileSync(`${out}.w`, 'utf8')}${readFileSync(`${out}.r`, 'utf8')}`));
      resolve([Number(readFileSync(`${out}.w`, 'utf8')), Number(readFileSync(`${out}.r`, 'utf8'))]);
    }),
  );
}

const dir = mkdtempSync(join(tmpdir(), 'pipe-bench-log-'));
const out = join(dir, 'cpu');
const rows = new Map(batches.map((k) => [k, { writer: [], reader: [] }]));
for (let r = 0; r < Number(values.rounds); r++) {
  for (const k of batches) {
    const [w, rd] = await pipeline(k);
    rows.get(k).writer.push(w);
    rows.get(k).reader.push(rd);
    process.stderr.write(`K=${k}: writer ${w.toFixed(2)}, reader ${rd.toFixed(2)} µs a line\n`);
  }
}
rmSync(dir, { recursive: true, force: true });
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
console.log(`Machine: ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, Node ${process.version}; load average ${loadavg().map((x) => x.toFixed(2)).join(' ')} at the end.\nCommand: node bench/log-batch.mjs --lines ${lines} --batches ${values.batches} --rounds ${values.rounds}\n`);
console.log('| lines a write | writer µs / line | reader µs / line | both |\n| ---: | ---: | ---: | ---: |');
for (const [k, { writer, reader }] of rows) console.log(`| ${k} | ${median(writer).toFixed(2)} | ${median(reader).toFixed(2)} | ${(median(writer) + median(reader)).toFixed(2)} |`);
