#!/usr/bin/env node
// Issue 16: the parse of a /predict/batch JSON body. JSON.parse as the service does it for a large
// body (serve/body-pieces.ts, `parseJsonBody`: pieces under 64 KiB) against the schema-specialised
// reader (serve/fast-rows.ts) on the bench's 1,000 raw rows (`rawRows`, 423 KB), and the same rows without the keys the
// schema does not require, ms per batch;
// and one row as /predict reads it: the request's text then JSON.parse, against its bytes (a copy,
// as @hono/node-server's arrayBuffer() makes) then the reader, µs per row (and the reader alone); and the same rows as
// NDJSON (a row a line, each line ended): serve/batch-input.ts's `ndjsonRows` (JSON.parse a line) against the reader's
// `lines`, ms per batch. Medians over iterations
// after a warm-up, alternating the two so a busy neighbour slows both alike; CPU time
// (process.cpuUsage) and wall time both. First, the first 10 batches of a freshly generated reader,
// as is and after warm-fast-rows.ts's warm-up (what the batches after a start or a reload cost), as a JSON array and as NDJSON.
// serve/ is bundled with esbuild first, as the service is.
//
//   node bench/fast-rows.mjs [--model models/churn] [--rows 1000] [--iterations 300]
//
// Markdown on stdout, progress on stderr.
import { Buffer } from 'node:buffer';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isDeepStrictEqual, parseArgs, TextDecoder } from 'node:util';
import { performance } from 'node:perf_hooks';
import { loadavg } from 'node:os';
import { bundled } from './lib/bundle.mjs';
import { log } from './lib/harness.mjs';
import { rawRows } from './lib/serve-child.mjs';

const { values } = parseArgs({ options: { model: { type: 'string', default: 'models/churn' }, rows: { type: 'string', default: '1000' }, iterations: { type: 'string', default: '300' } } });
const iterations = Number(values.iterations);

const m = await bundled('fast-rows', {
  'serve/body-pieces.ts': ['parseJsonBody'],
  'serve/batch-input.ts': ['ndjsonRows'],
  'serve/fast-rows.ts': ['fastRows', 'generateReader'],
  'serve/warm-fast-rows.ts': ['warmReader'],
});

const schema = JSON.parse(readFileSync(join(values.model, 'feature-schema.json'), 'utf8'));
const reader = m.fastRows(schema);
const rows = rawRows(values.model, Number(values.rows));
const body = Buffer.from(JSON.stringify(rows));
const one = Buffer.from(JSON.stringify(rows[0]));
const ndjson = Buffer.from(rows.map((row) => `${JSON.stringify(row)}\n`).join(''));
// The same rows without the keys the schema does not require (a client that leaves out customer_id): the reader reads them too.
const required = new Set(schema.required ?? []);
const sparse = Buffer.from(JSON.stringify(rows.map((row) => Object.fromEntries(Object.entries(row).filter(([name]) => required.has(name))))));
const decoder = new TextDecoder();
const copy = (buf) => Buffer.from(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength));

// Both must give what JSON.parse gives, or the figures mean nothing.
const expected = JSON.parse(body.toString());
if (!isDeepStrictEqual(reader.rows(body), expected) || !isDeepStrictEqual(m.parseJsonBody(body), expected)) throw new Error('a reader disagrees with JSON.parse on the batch');
if (!isDeepStrictEqual(reader.row(copy(one)), rows[0])) throw new Error('the reader disagrees with JSON.parse on one row');
if (!isDeepStrictEqual(reader.lines(ndjson), expected) || !isDeepStrictEqual(m.ndjsonRows(ndjson), expected)) throw new Error('a reader disagrees with JSON.parse on the NDJSON batch');
if (!isDeepStrictEqual(reader.rows(sparse), m.parseJsonBody(sparse))) throw new Error('the reader disagrees with JSON.parse on the batch without optional keys');

let fresh = 0;
/**
 * `schema` with an enum member no row holds, a new one each time, so that its reader's source is like no other's: V8
 * gave a reader generated again from the same source the code it had compiled for an earlier one at times (the fourth
 * reader of one process read its first NDJSON batch in 1.3 ms, the first in 9-13), and a "cold" reader was then not.
 */
function freshSchema() {
  const copy = JSON.parse(JSON.stringify(schema));
  Object.values(copy.properties).find((property) => Array.isArray(property.enum))?.enum.push(`bench-fresh-${++fresh}`);
  return copy;
}

/** Wall ms of the first 10 batches a freshly generated reader reads (`read(reader)`), after `prepare(reader, its schema)`: what the batches after a start or a reload cost. */
async function firstBatches(prepare, read = (reader) => reader.rows(body)) {
  const own = freshSchema();
  const reader = m.generateReader(own);
  const t = performance.now();
  await prepare(reader, own);
  const warmMs = performance.now() - t;
  const times = [];
  for (let i = 0; i < 10; i++) {
    const s = performance.now();
    if (read(reader) === undefined) throw new Error('a fresh reader declined the batch');
    times.push(performance.now() - s);
  }
  return { warmMs, times };
}
// Before the steady-state loops below, each reader generated from a source of its own (freshSchema).
log('the first batches of a fresh reader, warmed and cold, of a JSON array and of NDJSON …');
const warm = (reader, own) => m.warmReader(reader, own);
const readLines = (reader) => reader.lines(ndjson);
const warmed = await firstBatches(warm);
const cold = await firstBatches(async () => {});
const warmedLines = await firstBatches(warm, readLines);
const coldLines = await firstBatches(async () => {}, readLines);

let sink = 0;
/** Per-call CPU and wall time (ms) of `fn`, `reps` calls per sample, in `timings`. */
function sample(fn, reps, timings) {
  const cpu = process.cpuUsage();
  const wall = process.hrtime.bigint();
  for (let i = 0; i < reps; i++) sink += fn() === undefined ? 0 : 1;
  const wallNs = Number(process.hrtime.bigint() - wall);
  const used = process.cpuUsage(cpu);
  timings.cpu.push((used.user + used.system) / 1000 / reps);
  timings.wall.push(wallNs / 1e6 / reps);
}
const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];

function compare(cases, reps) {
  const timings = cases.map(() => ({ cpu: [], wall: [] }));
  for (let i = 0; i < 50; i++) cases.forEach(([, fn]) => fn());
  for (let i = 0; i < iterations; i++) cases.forEach(([, fn], c) => sample(fn, reps, timings[c]));
  return cases.map(([name], c) => ({ name, cpu: median(timings[c].cpu), wall: median(timings[c].wall) }));
}

log(`batch: ${rows.length} rows, ${body.length} bytes, ${iterations} iterations …`);
const batch = compare(
  [
    ['JSON.parse in pieces (parseJsonBody)', () => m.parseJsonBody(body)],
    ['fast reader (fastRows.rows)', () => reader.rows(body)],
  ],
  1,
);
log(`batch without optional keys: ${rows.length} rows, ${sparse.length} bytes, ${iterations} iterations …`);
const sparseBatch = compare(
  [
    ['JSON.parse in pieces (parseJsonBody)', () => m.parseJsonBody(sparse)],
    ['fast reader (fastRows.rows)', () => reader.rows(sparse)],
  ],
  1,
);
log(`NDJSON batch: ${rows.length} rows, ${ndjson.length} bytes, ${iterations} iterations …`);
const lineBatch = compare(
  [
    ['JSON.parse a line (ndjsonRows)', () => m.ndjsonRows(ndjson)],
    ['fast reader (fastRows.lines)', () => reader.lines(ndjson)],
  ],
  1,
);
log(`one row: ${one.length} bytes, ${iterations} × 1,000 …`);
const single = compare(
  [
    ['text() then JSON.parse', () => JSON.parse(decoder.decode(one))],
    ['arrayBuffer() copy then fast reader', () => reader.row(copy(one))],
    ['fast reader alone (no copy: not what a route can have)', () => reader.row(one)],
  ],
  1000,
);

const pct = (a, b) => `${Math.round((1 - b / a) * 100)} %`;
console.log(`Node ${process.version}; load ${loadavg()[0].toFixed(2)} at the end; ${rows.length} rows, ${body.length} bytes; one row ${one.length} bytes; medians of ${iterations} samples\n`);
console.log('| body | reader | CPU | wall |\n| --- | --- | ---: | ---: |');
for (const r of batch) console.log(`| ${rows.length}-row batch | ${r.name} | ${r.cpu.toFixed(3)} ms | ${r.wall.toFixed(3)} ms |`);
for (const r of sparseBatch) console.log(`| ${rows.length}-row batch, optional keys left out | ${r.name} | ${r.cpu.toFixed(3)} ms | ${r.wall.toFixed(3)} ms |`);
for (const r of lineBatch) console.log(`| ${rows.length}-row NDJSON batch | ${r.name} | ${r.cpu.toFixed(3)} ms | ${r.wall.toFixed(3)} ms |`);
for (const r of single) console.log(`| one row | ${r.name} | ${(r.cpu * 1000).toFixed(2)} µs | ${(r.wall * 1000).toFixed(2)} µs |`);
console.log('\n| a fresh reader | warm-up | first 10 batches, ms each |\n| --- | ---: | --- |');
for (const [name, r] of [['cold', cold], ['warmed (warmReader)', warmed], ['cold, NDJSON (lines)', coldLines], ['warmed (warmReader), NDJSON (lines)', warmedLines]]) console.log(`| ${name} | ${r.warmMs.toFixed(0)} ms | ${r.times.map((t) => t.toFixed(2)).join(' ')} |`);
console.log(`\nbatch: the reader takes ${pct(batch[0].cpu, batch[1].cpu)} less CPU; without optional keys: ${pct(sparseBatch[0].cpu, sparseBatch[1].cpu)} less; NDJSON batch: ${pct(lineBatch[0].cpu, lineBatch[1].cpu)} less; one row: ${pct(single[0].cpu, single[1].cpu)} less`);
if (sink < 0) console.log(sink);
