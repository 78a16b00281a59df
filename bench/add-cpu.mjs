#!/usr/bin/env node
// CPU time (user + system of every thread, by getrusage) and wall time of `pipe add` with
// several builds, interleaved, on two inputs: a directory holding one 1 KB file (what every add
// pays: start-up, module loading, the pipeline and the config, the writes at the end) and the
// small preset's 1,000-file / 100 MiB directory (hashing and storing on top). A regression that
// shows on both inputs alike is per invocation; one that grows with the files is per file. CPU
// time is the steadier figure on a machine shared with other work.
//
//   node bench/add-cpu.mjs --build NAME=DIR [--build NAME=DIR …] [--rounds N] [--dir DIR]
//
// DIR: a built checkout of pipe (bin/pipe.js, dist/, node_modules/). Each run gets a fresh git
// repository whose pipeline.yaml has no stages; its files are copied more than a second before
// the add, so none is "racily clean" and the stat state is written as it is in everyday use.
// Needs python3 (the workload generator, getrusage). Markdown on stdout, progress on stderr.
import { Buffer } from 'node:buffer';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { log, sh, workload } from './lib/harness.mjs';

const { values } = parseArgs({ options: { build: { type: 'string', multiple: true }, rounds: { type: 'string', default: '9' }, dir: { type: 'string' } } });
const builds = (values.build ?? []).map((b) => {
  const [name, dir] = b.includes('=') ? b.split('=', 2) : [basename(b), b];
  return { name, bin: resolve(dir, 'bin', 'pipe.js') };
});
if (builds.length === 0) throw new Error('usage: node bench/add-cpu.mjs --build NAME=DIR [--build NAME=DIR …] [--rounds N] [--dir DIR]');
const rounds = Number(values.rounds);
const base = values.dir ?? mkdtempSync(join(tmpdir(), 'pipe-bench-add-cpu-'));
const one = join(base, 'one-file');
mkdirSync(one, { recursive: true });
writeFileSync(join(one, 'a.bin'), Buffer.alloc(1000, 7));
const inputs = { 'a directory of 1 file (1 KB)': one, 'a directory of 1,000 files (100 MiB)': join(workload(base, 'small', { name: 'added-src-small', seed: 43 }), 'data', 'raw') };

// Runs the command and prints its wall time and its children's user and system time (getrusage: µs, where /usr/bin/time has 10 ms).
const RUSAGE = [
  'import resource, subprocess, sys, time',
  // The children's usage so far is not zero: a launcher (pyenv's shim) may have run some before exec'ing python.
  'r0 = resource.getrusage(resource.RUSAGE_CHILDREN); t = time.monotonic()',
  'p = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL); w = time.monotonic() - t',
  'r = resource.getrusage(resource.RUSAGE_CHILDREN)',
  'print(w, r.ru_utime - r0.ru_utime, r.ru_stime - r0.ru_stime, file=sys.stderr); sys.exit(p.returncode)',
].join('\n');

const loadBefore = loadavg();
const results = Object.fromEntries(Object.keys(inputs).map((i) => [i, Object.fromEntries(builds.map((b) => [b.name, { wall: [], cpu: [] }]))]));
for (let round = 0; round < rounds; round++) {
  const order = round % 2 === 0 ? builds : [...builds].reverse();
  for (const [input, src] of Object.entries(inputs)) {
    for (const b of order) {
      const repo = join(base, 'repo');
      rmSync(repo, { recursive: true, force: true });
      mkdirSync(repo);
      sh(`git init -q && printf 'stages: {}\\n' > pipeline.yaml && cp -r ${src} data && sync && sleep 1.1`, repo);
      const r = spawnSync('python3', ['-c', RUSAGE, 'node', b.bin, 'add', 'data'], { cwd: repo, encoding: 'utf8' });
      if (r.status !== 0) throw new Error(`${b.name}: pipe add failed: ${r.stderr}`);
      const [wall, user, sys] = r.stderr.trim().split('\n').at(-1).split(' ').map(Number);
      results[input][b.name].wall.push(wall * 1000);
      results[input][b.name].cpu.push((user + sys) * 1000);
    }
  }
  log(`round ${round + 1}/${rounds} done (load ${loadavg()[0].toFixed(1)})`);
}
rmSync(join(base, 'repo'), { recursive: true, force: true });

const median = (xs) => {
  const s = [...xs].sort((x, y) => x - y);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const ms = (x) => `${Math.round(x).toLocaleString('en')} ms`;
const lines = [
  `Machine: ${cpus().length} cores (${cpus()[0]?.model}), Node ${process.version}. Load average (1/5/15 min) before: ${loadBefore.map((x) => x.toFixed(2)).join(' / ')}; after: ${loadavg().map((x) => x.toFixed(2)).join(' / ')}.`,
  `Command: \`node bench/add-cpu.mjs ${builds.map((b) => `--build ${b.name}=…`).join(' ')} --rounds ${rounds}\`; ${rounds} interleaved rounds, medians (min); CPU by getrusage of the child.`,
  '',
  `| input | build | wall | CPU (user + sys) | CPU − ${builds[0]?.name} |`,
  '| --- | --- | --- | --- | --- |',
];
for (const [input, byBuild] of Object.entries(results)) {
  const ref = median(byBuild[builds[0].name].cpu);
  for (const b of builds) {
    const { wall, cpu } = byBuild[b.name];
    lines.push(`| ${input} | ${b.name} | ${ms(median(wall))} (${ms(Math.min(...wall))}) | ${ms(median(cpu))} (${ms(Math.min(...cpu))}) | ${b === builds[0] ? '' : `${median(cpu) - ref >= 0 ? '+' : ''}${ms(median(cpu) - ref)}`} |`);
  }
}
process.stdout.write(`${lines.join('\n')}\n`);
