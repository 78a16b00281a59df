#!/usr/bin/env node
// Issue 16: the validation of a /predict/batch's rows. ajv's validator (serve/model/validate-row.ts,
// what every row went through) against the quick check generated from the same schema
// (serve/quick-row-check.ts, what rows read by the schema's reader go through first), on the bench's
// 1,000 raw rows as the reader gives them; and the reader (serve/fast-rows.ts) on the same body,
// whose enum fields are compared with each member where the value starts. ns per row, the
// median and the best of --rounds rounds, the two validators alternating so a busy neighbour slows
// both alike. serve/ is bundled with esbuild first, as the service is.
//
//   node bench/row-check.mjs [--model models/churn] [--rows 1000] [--rounds 60]
//
// Markdown on stdout.
import { Buffer } from 'node:buffer';
import { readFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { bundled } from './lib/bundle.mjs';
import { rawRows } from './lib/serve-child.mjs';

const { values } = parseArgs({ options: { model: { type: 'string', default: 'models/churn' }, rows: { type: 'string', default: '1000' }, rounds: { type: 'string', default: '60' } } });
const rounds = Number(values.rounds);

const m = await bundled('row-check', {
  'serve/model/validate-row.ts': ['rowValidator'],
  'serve/quick-row-check.ts': ['quickRowCheck'],
  'serve/fast-rows.ts': ['fastRows'],
});

const schema = JSON.parse(readFileSync(join(values.model, 'feature-schema.json'), 'utf8'));
const body = Buffer.from(JSON.stringify(rawRows(values.model, Number(values.rows))));
const reader = m.fastRows(schema);
const rows = reader.rows(body);
const ajv = m.rowValidator(schema);
const quick = m.quickRowCheck(schema);
if (!rows || !quick) throw new Error('the reader or the quick check declined the example');
// Both must accept every row, or the figures time different work.
if (!rows.every((row) => ajv(row).length === 0 && quick(row))) throw new Error('a validator refuses a row of the example');

const time = (fn) => {
  const t = performance.now();
  for (let k = 0; k < 10; k++) fn();
  return ((performance.now() - t) / 10 / rows.length) * 1e6;
};
const runs = { ajv: [], quick: [], reader: [] };
const work = {
  ajv: () => rows.forEach((row) => ajv(row)),
  quick: () => rows.forEach((row) => quick(row)),
  reader: () => reader.rows(body),
};
for (let r = 0; r < rounds; r++) for (const name of r % 2 ? ['ajv', 'quick', 'reader'] : ['reader', 'quick', 'ajv']) runs[name].push(time(work[name]));
const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
const f = (x) => x.toFixed(0);
process.stdout.write(
  [
    `Machine: ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, Node ${process.version}; load ${loadavg()[0].toFixed(2)}. Command: node bench/row-check.mjs --rows ${values.rows} --rounds ${rounds} (${rows.length} rows, a ${body.length}-byte body).`,
    '',
    '| work, per row | median ns | best ns |',
    '| --- | ---: | ---: |',
    `| ajv's validator (validate-row.ts) | ${f(median(runs.ajv))} | ${f(Math.min(...runs.ajv))} |`,
    `| quick check (quick-row-check.ts) | ${f(median(runs.quick))} | ${f(Math.min(...runs.quick))} |`,
    `| reading the row (fast-rows.ts, the whole body ÷ rows) | ${f(median(runs.reader))} | ${f(Math.min(...runs.reader))} |`,
    '',
  ].join('\n'),
);
