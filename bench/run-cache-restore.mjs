#!/usr/bin/env node
// Run-cache restore of the example pipeline's train stage (issue 14): model directory (cached),
// plots/training-loss.json (a plot: not cached, written back as a copy). The example is set up in
// a temporary git repository (pipeline.yaml, stages/, serve/model/, node_modules linked from this
// checkout), run with train.epochs A and then B; each timed `pipe repro train` follows a switch of
// params.yaml to the other value, so every timed run restores train (its upstream stages are up to
// date). Reported: the whole command's wall time, and the stage's own time from pipe's run record
// (.pipe/tmp/last-repro.json: status, run-cache lookup, checks and restore of the outs), and the
// same command right after with nothing to do, the floor that the restore adds to.
//
//   node bench/run-cache-restore.mjs [--runs N] [--full] [--dir DIR] [--base DIR_B]
//
// --full keeps the repository's params.yaml (50,000 rows, 12 epochs; the model is the same size,
// only setting up takes longer); by default 3,000 rows and 2/3 epochs.
//
// --base DIR_B (a built checkout of another pipe) adds an A/B against it on what every stage
// with only cached outs goes through, the runner's and the cache's measures: on the shared
// workload's small preset (1,000 files / 100 MiB, make-workload.py) a stage copies data/raw into
// its out, then each round times, with this build and DIR_B back to back (alternating which goes
// first, so the load of a shared machine hits both alike), `pipe repro` restoring that out from
// the run-cache after it was deleted, and a no-op `pipe repro`. Needs python3 for the workload.
// Markdown on stdout, progress on stderr.
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, readdirSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { parseDocument } from 'yaml';
import { log, pipe, repo, sh, workload } from './lib/harness.mjs';

const { values } = parseArgs({
  options: { runs: { type: 'string', default: '20' }, full: { type: 'boolean', default: false }, dir: { type: 'string' }, base: { type: 'string' } },
});
const runs = Number(values.runs);
const dir = values.dir ?? mkdtempSync(join(tmpdir(), 'pipe-bench-run-cache-'));

const params = (epochs) => {
  const doc = parseDocument(readFileSync(join(repo, 'params.yaml'), 'utf8'));
  if (!values.full) {
    doc.setIn(['ingest', 'rows'], 3000);
    doc.setIn(['evaluate', 'min_auc'], 0.6);
  }
  doc.setIn(['train', 'epochs'], epochs);
  return doc.toString();
};
const [a, b] = values.full ? [12, 13] : [2, 3];

log(`setting up the example in ${dir} …`);
sh('git init -q .', dir);
for (const f of ['package.json', 'pipeline.yaml']) cpSync(join(repo, f), join(dir, f));
for (const d of ['stages', 'serve/model']) cpSync(join(repo, d), join(dir, d), { recursive: true, filter: (src) => !src.endsWith('.test.ts') });
symlinkSync(join(repo, 'node_modules'), join(dir, 'node_modules'));
for (const epochs of [a, b]) {
  writeFileSync(join(dir, 'params.yaml'), params(epochs));
  log(`pipe repro (train.epochs ${epochs}) …`);
  sh(`${pipe} repro > /dev/null`, dir);
}

const size = (p) => {
  const st = statSync(join(dir, p));
  return st.isDirectory() ? readdirSync(join(dir, p)).reduce((s, f) => s + size(join(p, f)), 0) : st.size;
};
const loadBefore = loadavg();
const wall = [];
const stage = [];
const noop = [];
const [node, bin] = pipe.split(' ');
/** One `pipe repro train`: its wall time, after checking that train was `expected` (restored, or up to date). */
const timed = (expected) => {
  const t0 = performance.now();
  const r = spawnSync(node, [bin, 'repro', 'train'], { cwd: dir, encoding: 'utf8' });
  const took = performance.now() - t0;
  if (r.status !== 0 || !expected.test(r.stdout)) throw new Error(`expected ${expected}, got:\n${r.stdout}${r.stderr}`);
  return took;
};
for (let i = 0; i < runs; i++) {
  writeFileSync(join(dir, 'params.yaml'), params(i % 2 === 0 ? a : b));
  wall.push(timed(/^train: restored from run-cache /m));
  const record = JSON.parse(readFileSync(join(dir, '.pipe', 'tmp', 'last-repro.json'), 'utf8'));
  stage.push(record.stages.find((s) => s.stage === 'train').ms);
  // The same command with nothing to do: the floor (start, load, status of train and its upstream).
  noop.push(timed(/Everything is up to date/));
}
const loadAfter = loadavg();

const stats = (xs) => {
  const s = [...xs].sort((x, y) => x - y);
  const median = s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
  return `${median.toFixed(0)} ms (min ${s[0].toFixed(0)}, max ${s.at(-1).toFixed(0)})`;
};
const kib = (n) => `${(n / 1024).toFixed(1)} KiB`;
console.log(`Command: \`node bench/run-cache-restore.mjs --runs ${runs}${values.full ? ' --full' : ''}\`; ${cpus().length} cores (${cpus()[0]?.model.trim()}), ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.versions.node}; load average ${loadBefore[0].toFixed(1)} before, ${loadAfter[0].toFixed(1)} after.`);
console.log(`Restored: models/churn (${readdirSync(join(dir, 'models/churn')).length} files, ${kib(size('models/churn'))}) and plots/training-loss.json (${kib(size('plots/training-loss.json'))}); train.epochs ${a} ↔ ${b}, ${runs} runs.`);
console.log('');
console.log('| measure | median (min, max) |');
console.log('| --- | --- |');
console.log(`| \`pipe repro train\`, train restored from the run-cache (wall) | ${stats(wall)} |`);
console.log(`| train's own time in that run (run record) | ${stats(stage)} |`);
console.log(`| \`pipe repro train\` with nothing to do, right after (wall) | ${stats(noop)} |`);

if (values.base) {
  const builds = { this: join(repo, 'bin', 'pipe.js'), base: join(values.base, 'bin', 'pipe.js') };
  const data = workload(dir, 'small');
  writeFileSync(join(data, 'pipeline.yaml'), 'stages:\n  copy:\n    cmd: rm -rf out/big && mkdir -p out && cp -r data/raw out/big\n    deps: [data/raw]\n    outs: [out/big]\n');
  sh('git init -q . 2>/dev/null; true', data);
  log('pipe repro (the copy stage) …');
  sh(`${pipe} repro > /dev/null`, data);
  const ab = { restore: { this: [], base: [] }, noop: { this: [], base: [] } };
  const time = (bin, expected) => {
    const t0 = performance.now();
    const r = spawnSync(node, [bin, 'repro'], { cwd: data, encoding: 'utf8' });
    const took = performance.now() - t0;
    if (r.status !== 0 || !expected.test(r.stdout)) throw new Error(`expected ${expected} from ${bin}, got:\n${r.stdout}${r.stderr}`);
    return took;
  };
  const abLoad = loadavg()[0];
  for (let i = 0; i < runs; i++) {
    for (const which of i % 2 === 0 ? ['this', 'base'] : ['base', 'this']) {
      sh('rm -rf out/big', data);
      ab.restore[which].push(time(builds[which], /^copy: restored from run-cache /m));
      ab.noop[which].push(time(builds[which], /Everything is up to date/));
    }
  }
  console.log('');
  console.log(`A/B against ${values.base} (small workload, 1,000 files / 100 MiB; ${runs} rounds, interleaved; load average ${abLoad.toFixed(1)} before, ${loadavg()[0].toFixed(1)} after):`);
  console.log('');
  console.log('| measure | this build | base | this / base (medians) |');
  console.log('| --- | --- | --- | --- |');
  const med = (xs) => [...xs].sort((x, y) => x - y)[Math.floor((xs.length - 1) / 2)];
  for (const [name, m] of [['`pipe repro`, the out restored from the run-cache', ab.restore], ['`pipe repro` with nothing to do', ab.noop]]) {
    console.log(`| ${name} | ${stats(m.this)} | ${stats(m.base)} | ${(med(m.this) / med(m.base)).toFixed(2)} |`);
  }
}
