#!/usr/bin/env node
// Cost of the path guards (issue #13) on the no-op path: `pipe status` and a no-op `pipe repro`
// on the shared workload (make-workload.py: 10,000 files in data/raw, 20 chained stages), timed
// for a baseline build and this one, interleaved run by run so that load on a shared machine
// hits both alike. Reports median and minimum wall time of each.
//
//   node bench/guard.mjs --base /path/to/baseline/checkout [--dir DIR] [--runs N]
//
// The baseline is another checkout of pipe, built (`npm run build`), e.g. the commit before the
// guards: git archive <commit> | tar -x -C /tmp/base && cd /tmp/base && ln -s $PWD/node_modules && npm run build
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { generator, log, repo } from './lib/harness.mjs';

const { values } = parseArgs({ options: { base: { type: 'string' }, dir: { type: 'string' }, runs: { type: 'string', default: '11' } } });
if (!values.base) throw new Error('--base DIR (a built checkout of the baseline) is required');
const runs = Number(values.runs);
const dir = values.dir ?? join(mkdtempSync(join(tmpdir(), 'pipe-bench-guard-')), 'wl');
const bins = { baseline: join(values.base, 'bin', 'pipe.js'), 'this build': join(repo, 'bin', 'pipe.js') };

const run = (bin, args) => {
  const t = process.hrtime.bigint();
  const r = spawnSync(process.execPath, [bin, ...args], { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, NO_COLOR: '1' } });
  if (r.status !== 0) throw new Error(`${bin} ${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  return Number(process.hrtime.bigint() - t) / 1e6;
};

if (!existsSync(join(dir, 'pipeline.yaml'))) {
  log(`generating the workload in ${dir}`);
  spawnSync('python3', [generator, 'gen', dir, '--files', '10000', '--bytes', String(100 << 20), '--stages', '20'], { stdio: 'inherit' });
  run(bins['this build'], ['repro']);
}
const load = loadavg()[0].toFixed(1);
const rows = [];
for (const args of [['status'], ['repro']]) {
  const times = Object.fromEntries(Object.keys(bins).map((k) => [k, []]));
  for (const bin of Object.values(bins)) run(bin, args); // warm-up
  for (let i = 0; i < runs; i++) for (const [name, bin] of Object.entries(bins)) times[name].push(run(bin, args));
  for (const [name, t] of Object.entries(times)) {
    t.sort((a, b) => a - b);
    rows.push(`| pipe ${args.join(' ')} (no-op) | ${name} | ${t[t.length >> 1].toFixed(0)} ms | ${t[0].toFixed(0)} ms |`);
  }
}
console.log(`${cpus().length} cores, Node ${process.version}, load average ${load} at the start, ${runs} runs each, interleaved\n`);
console.log('| command | build | median | min |\n| --- | --- | --- | --- |');
console.log(rows.join('\n'));
