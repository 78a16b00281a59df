#!/usr/bin/env node
// The live drift monitor's cost per served row (issue 17: drift must not cost the serving path
// more than ~10%): CPU ns per `observe(row, score)` for the example's 17 features, with a row window
// and a time window, next to what the service already spends per row before drift — validating
// the row with ajv (`validateRow`) and preprocessing it (`transformRow`) — and the cost of one
// `snapshot()` (a metrics scrape). Rows are the example generator's (stages/lib), as JSON values.
// serve/drift, serve/model and the generator are bundled with esbuild first, as the service is.
//
//   node bench/drift.mjs [--rows N] [--rounds N]
//
// Markdown on stdout, progress on stderr.
import { cpus, loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { bundled } from './lib/bundle.mjs';
import { log } from './lib/harness.mjs';

const { values } = parseArgs({ options: { rows: { type: 'string', default: '20000' }, rounds: { type: 'string', default: '25' } } });
const rows = Number(values.rows);
const rounds = Number(values.rounds);

const m = await bundled('drift', {
  'serve/drift/index.ts': ['createDriftMonitor'],
  'serve/model/index.ts': ['profileInputs', 'referenceProfile', 'rowValidator', 'transformRow'],
  'stages/lib/customer-generator.ts': ['generateCustomers'],
  'stages/lib/customer-table.ts': ['customerTable'],
  'stages/lib/feature-schema.ts': ['featureSchema'],
  'stages/lib/fit-preprocessing.ts': ['fitPreprocessing'],
});

log(`generating ${rows} reference and ${rows} live rows …`);
const numeric = new Set(m.customerTable.features.filter((f) => f.type !== 'category').map((f) => f.name));
/** CSV strings → what a JSON request carries: numbers, strings, null for missing. */
const asJson = ({ header, rows: table }) =>
  table.map((r) =>
    Object.fromEntries(header.flatMap((h, i) => (h === 'churn' ? [] : [[h, r[i] === '' ? null : numeric.has(h) ? Number(r[i]) : r[i]]]))),
  );
const reference = asJson(m.generateCustomers({ rows, seed: 42, drift: 0 }));
const live = asJson(m.generateCustomers({ rows, seed: 7, drift: 0.3 }));
const get = (row, column) => row[column];
const spec = m.fitPreprocessing(m.customerTable, reference, get);
const score = (row) => 1 / (1 + Math.exp(-(-1 + (row.contract === 'Month-to-month' ? 1.2 : 0) - 0.05 * row.tenure_months)));
const profile = m.referenceProfile(m.profileInputs(spec.steps, reference, get), reference.map(score));
const scores = live.map(score);
const validate = m.rowValidator(m.featureSchema(m.customerTable));

/**
 * Median over rounds of CPU ns per row of `fn(row, i)` over the live rows (after one warm-up
 * round). CPU time (process.cpuUsage), not wall time: on a shared, loaded machine wall time mostly
 * measures waiting for a core.
 */
function nsPerRow(fn) {
  const per = [];
  for (let r = 0; r <= rounds; r++) {
    const t = process.cpuUsage();
    for (let i = 0; i < live.length; i++) fn(live[i], i);
    const used = process.cpuUsage(t);
    if (r > 0) per.push(((used.user + used.system) * 1000) / live.length);
  }
  per.sort((a, b) => a - b);
  return per[per.length >> 1];
}

let sink = 0;
const results = [];
log('validateRow + transformRow …');
const before = nsPerRow((row) => {
  sink += validate(row).length + m.transformRow(spec, (c) => row[c]).length;
});
results.push(['serving work per row before drift: `validateRow` + `transformRow`', before]);
const windows = process.env.DRIFT_BENCH_ONLY_OBSERVE ? [{ rows: 1000 }] : [{ rows: 1000 }, { rows: 100_000 }, { minutes: 5 }];
for (const window of windows) {
  log(`observe, window ${JSON.stringify(window)} …`);
  const monitor = m.createDriftMonitor(profile, { window });
  results.push([`\`observe(row, score)\`, window ${JSON.stringify(window)}`, nsPerRow((row, i) => monitor.observe(row, scores[i]))]);
  if (window.rows === 1000) {
    const t = process.cpuUsage();
    for (let k = 0; k < 1000; k++) sink += monitor.snapshot().share;
    const used = process.cpuUsage(t);
    results.push(['`snapshot()` (17 features + score, once per scrape)', used.user + used.system]);
  }
}

console.log(`Machine: ${cpus().length} cores (${cpus()[0]?.model.trim()}), Node ${process.version}, load average ${loadavg().map((x) => x.toFixed(2)).join(' / ')}.`);
console.log(`Command: \`node bench/drift.mjs --rows ${rows} --rounds ${rounds}\`; ${rows} live rows (ingest.drift 0.3) per round, median of ${rounds} rounds.\n`);
console.log('| measure | CPU ns per row (per call for snapshot) |\n| --- | --- |');
for (const [name, ns] of results) console.log(`| ${name} | ${ns.toFixed(0)} |`);
const observe = results[1][1];
console.log(`\n\`observe\` (row window of 1,000) = ${((observe / before) * 100).toFixed(1)}% of validate + preprocess per row.`);
if (sink === 0.5) console.log('');
