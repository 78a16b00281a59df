#!/usr/bin/env node
// The service's three ways to run a Dense stack, per batch size (issue 16): tfjs model.predict
// (the package's predictMatrix, the Layers API), the same layers through tfjs ops directly
// (serve/tfjs-dense-forward.ts) and the typed-array loops (serve/dense-forward.ts), on the
// example's model (models/churn, or --model) and rows of its width. CPU µs per call (user +
// system, process.cpuUsage: on a shared machine wall time mostly measures waiting for a core),
// median of --rounds rounds of at least --calls-rows rows each, after one warm-up round. The
// serve modules are bundled with esbuild first, as the service is.
//
//   node bench/serve-engines.mjs [--model DIR] [--rounds N] [--sizes 1,16,…] [--rows-per-round N]
//
// Markdown on stdout, progress on stderr.
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { bundled } from './lib/bundle.mjs';
import { log, repo } from './lib/harness.mjs';

const { values } = parseArgs({
  options: {
    model: { type: 'string', default: join(repo, 'models', 'churn') },
    rounds: { type: 'string', default: '15' },
    sizes: { type: 'string', default: '1,4,8,16,32,64,128,256,512,1000,2000,4096' },
    'rows-per-round': { type: 'string', default: '20000' },
  },
});
const rounds = Number(values.rounds);
const sizes = values.sizes.split(',').map(Number);
const rowsPerRound = Number(values['rows-per-round']);

const m = await bundled('engines', {
  'serve/model/index.ts': ['loadModelPackage', 'loadTf', 'readLayersModelArtifacts'],
  'serve/dense-forward.ts': ['denseForward'],
  'serve/tfjs-dense-forward.ts': ['tfjsDenseForward'],
});

const pkg = await m.loadModelPackage(values.model);
const { tf } = await m.loadTf();
const artifacts = m.readLayersModelArtifacts(pkg.dir, pkg.metadata.files.model);
const loops = m.denseForward(artifacts);
const ops = m.tfjsDenseForward(tf, artifacts);
if (!('forward' in loops) || !('forward' in ops)) throw new Error(`the model is not a Dense stack both engines run: ${loops.unsupported ?? ops.unsupported}`);
const width = pkg.preprocessing.features.length;

/** Rows like the service's: one-hot blocks of 0/1 and standardised numbers. */
function rowsOf(rows) {
  const x = new Float32Array(rows * width);
  let s = 7;
  const next = () => (s = (s * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  for (let i = 0; i < x.length; i++) x[i] = i % 3 === 0 ? (next() - 0.5) * 6 : Math.round(next());
  return x;
}

/** Median CPU µs per call of `fn(x, rows)`, each round at least rowsPerRound rows. */
async function usPerCall(fn, x, rows) {
  const calls = Math.max(5, Math.ceil(rowsPerRound / rows));
  const per = [];
  for (let r = 0; r <= rounds; r++) {
    const t = process.cpuUsage();
    for (let c = 0; c < calls; c++) await fn(x, rows);
    const used = process.cpuUsage(t);
    if (r > 0) per.push((used.user + used.system) / calls);
  }
  per.sort((a, b) => a - b);
  return per[per.length >> 1];
}

const load0 = loadavg();
const table = [];
for (const rows of sizes) {
  const x = rowsOf(rows);
  log(`${rows} rows …`);
  const predict = await usPerCall(pkg.predictMatrix, x, rows);
  const viaOps = await usPerCall(ops.forward, x, rows);
  const viaLoops = await usPerCall(loops.forward, x, rows);
  table.push({ rows, predict, viaOps, viaLoops });
}
const load1 = loadavg();
ops.dispose();
pkg.dispose();

const f = (us) => (us >= 100 ? us.toFixed(0) : us.toFixed(1));
console.log(`Machine: ${cpus().length} × ${cpus()[0]?.model ?? '?'}, Node ${process.version}, tfjs backend ${pkg.backend}; load ${load0[0].toFixed(2)} → ${load1[0].toFixed(2)}`);
console.log(`Command: node bench/serve-engines.mjs --rounds ${rounds} --sizes ${sizes.join(',')}\n`);
console.log('| rows | model.predict µs | tfjs ops µs | typed-array µs | fastest |');
console.log('| ---: | ---: | ---: | ---: | --- |');
for (const { rows, predict, viaOps, viaLoops } of table) {
  const fastest = [['predict', predict], ['tfjs ops', viaOps], ['typed-array', viaLoops]].sort((a, b) => a[1] - b[1])[0][0];
  console.log(`| ${rows} | ${f(predict)} | ${f(viaOps)} | ${f(viaLoops)} | ${fastest} |`);
}
