#!/usr/bin/env node
// A/B of two builds of pipe on the worker pool's work (issue 12: one worker pool), interleaved so
// that the load of a shared machine hits both equally: every round runs each measure with build A
// and build B back to back, alternating which goes first. On the shared workload's data/raw
// (make-workload.py; default preset: 10,000 files / 1 GiB), a stage copies the data into an out
// `out/big`, then each round times:
//   - pipe status with the stat state removed (hashes data/raw and out/big: 2 GiB, 20,000 files)
//   - pipe checkout of out/big into an empty workspace (10,000 hardlinks)
//   - pipe add of a fresh 10,000-file / 1 GiB directory (hash, link into the store, chmod)
//   - pipe push of the whole cache to an empty directory remote (10,000 copies)
//
//   node bench/ab.mjs --a DIR_A --b DIR_B [--preset small|default] [--dir DIR] [--rounds N] [--drop]
//
// DIR_A / DIR_B: a built checkout of pipe each (bin/pipe.js, dist/, node_modules/). --drop drops
// the page cache before each timed run (root; system-wide, so it also slows whatever else runs).
// Needs python3. Markdown on stdout, progress on stderr.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { log, requireTools, sh, workload } from './lib/harness.mjs';

const { values } = parseArgs({
  options: {
    a: { type: 'string' },
    b: { type: 'string' },
    preset: { type: 'string', default: 'default' },
    dir: { type: 'string' },
    rounds: { type: 'string', default: '7' },
    drop: { type: 'boolean', default: false },
  },
});
if (!values.a || !values.b) throw new Error('usage: node bench/ab.mjs --a DIR_A --b DIR_B [--rounds N]');
requireTools(['python3']);
const builds = { A: `node ${resolve(values.a, 'bin', 'pipe.js')}`, B: `node ${resolve(values.b, 'bin', 'pipe.js')}` };
const rounds = Number(values.rounds);
const base = values.dir ?? mkdtempSync(join(tmpdir(), 'pipe-bench-ab-'));
const dir = workload(base, values.preset);
const src = workload(base, values.preset, { name: `added-src-${values.preset}`, seed: 43 });
const meta = JSON.parse(readFileSync(join(dir, 'workload.json'), 'utf8'));
const trash = join(base, 'trash');
const remote = join(base, 'remote');
mkdirSync(trash, { recursive: true });
mkdirSync(remote, { recursive: true });

writeFileSync(
  join(dir, 'pipeline.yaml'),
  `stages:\n  copy:\n    cmd: rm -rf out/big && mkdir -p out && cp -r data/raw out/big\n    deps: [data/raw]\n    outs: [out/big]\n`,
);
for (const p of ['.pipe', 'data.lock', 'out', 'data/added']) rmSync(join(dir, p), { recursive: true, force: true });
log('first run (produces and stores the out) …');
sh(`${builds.B} repro > /dev/null && ${builds.B} remote add bench ${remote} --local > /dev/null`, dir);
sh('sleep 1.1 && cp data.lock data.lock.bench', dir);

const aside = (...paths) => paths.map((p) => `if [ -e ${p} ]; then mv ${p} "$(mktemp -d -p ${trash})/"; fi`).join('; ');
const settle = (...warm) =>
  [
    'sync',
    values.drop ? '(echo 3 > /proc/sys/vm/drop_caches) 2>/dev/null || true' : 'true',
    `cat "$(command -v node)" ${resolve(values.a, 'dist')}/*/*.js ${resolve(values.b, 'dist')}/*/*.js > /dev/null`,
    ...warm.map((p) => `find ${p} -type f -exec cat {} + > /dev/null`),
  ].join('; ');

const files = meta.files.toLocaleString('en');
const size = `${(meta.bytes / 2 ** 20).toFixed(0)} MiB`;
/** name → [prepare (sh), command (build prefix → sh)] */
const measures = {
  [`status, stat state removed (hashes data/raw and out/big: 2 × ${files} files / ${size})`]: [`rm -rf .pipe/tmp/state .pipe/tmp/parsed.json .pipe/tmp/paths.json; ${settle('data/raw', 'out/big')}`, (p) => `${p} status > /dev/null`],
  [`checkout of out/big (${files} hardlinks)`]: [`${aside('out/big')}; ${settle('.pipe/cache/files')}`, (p) => `${p} checkout > /dev/null`],
  [`add of a fresh ${files}-file / ${size} directory`]: [
    `cp data.lock.bench data.lock && ${aside('data/added')} && ${builds.B} gc --workspace > /dev/null && cp -r ${src}/data/raw data/added; ${settle('data/added')}`,
    (p) => `${p} add data/added > /dev/null`,
  ],
  [`push of the cache to an empty directory remote (${files} + 2 objects)`]: [`${aside(remote)}; mkdir -p ${remote}; ${settle('.pipe/cache/files')}`, (p) => `${p} push -r bench > /dev/null`],
};

const loadBefore = loadavg();
const times = Object.fromEntries(Object.keys(measures).map((m) => [m, { A: [], B: [] }]));
for (let round = 0; round < rounds; round++) {
  const order = round % 2 === 0 ? ['A', 'B'] : ['B', 'A'];
  for (const [name, [prepare, command]] of Object.entries(measures)) {
    for (const build of order) {
      sh(prepare, dir);
      const t0 = process.hrtime.bigint();
      const r = spawnSync('sh', ['-c', command(builds[build])], { cwd: dir, stdio: ['ignore', 'ignore', 'inherit'] });
      const elapsed = Number(process.hrtime.bigint() - t0) / 1e6;
      if (r.status !== 0) throw new Error(`${build}: ${command(builds[build])} failed in ${dir}`);
      times[name][build].push(elapsed);
      log(`  ${build} ${name}: ${Math.round(elapsed)} ms`);
    }
  }
  log(`round ${round + 1}/${rounds} done (load ${loadavg()[0].toFixed(1)})`);
}
sh(`cp data.lock.bench data.lock && rm -rf data/added && ${builds.B} gc --workspace > /dev/null`, dir);
rmSync(trash, { recursive: true, force: true });

const median = (xs) => {
  const s = [...xs].sort((x, y) => x - y);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const ms = (x) => `${Math.round(x).toLocaleString('en')} ms`;
const lines = [];
lines.push(`Machine: ${cpus().length} cores (${cpus()[0]?.model}), ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}.`);
lines.push(`Load average (1/5/15 min) before: ${loadBefore.map((x) => x.toFixed(2)).join(' / ')}; after: ${loadavg().map((x) => x.toFixed(2)).join(' / ')}.`);
lines.push(`Command: \`node bench/ab.mjs --a ${values.a} --b ${values.b} --preset ${values.preset} --rounds ${rounds}${values.drop ? ' --drop' : ''}\`; workload ${meta.files.toLocaleString('en')} files / ${(meta.bytes / 2 ** 20).toFixed(0)} MiB; ${rounds} interleaved rounds, medians (min–max).`);
lines.push('');
lines.push('| measure | A | B | B / A |');
lines.push('| --- | --- | --- | --- |');
for (const [name, t] of Object.entries(times)) {
  const [a, b] = [median(t.A), median(t.B)];
  lines.push(`| ${name} | ${ms(a)} (${ms(Math.min(...t.A))}–${ms(Math.max(...t.A))}) | ${ms(b)} (${ms(Math.min(...t.B))}–${ms(Math.max(...t.B))}) | ${(b / a).toFixed(2)} |`);
}
process.stdout.write(`${lines.join('\n')}\n`);
