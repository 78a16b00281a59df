#!/usr/bin/env node
// dvc.yaml in subdirectories (issue 18): the no-op cost of finding every dvc.yaml. The 400-stage
// templated project of bench/dvc-load.mjs split into two sub-projects (proj-a/dvc.yaml: the
// 200-item foreach, proj-b/dvc.yaml: the 20×10 matrix, each with its own params.yaml, no root
// dvc.yaml), run once, then timed: the no-op `pipe repro` (median of --runs), then the same with
// --dirs extra directories in the workspace (what the remembered search stats on every run).
//
//   npm run build && node bench/dvc-subdir-load.mjs [--runs N] [--dirs N]
//
// Prints a Markdown table on stdout; progress goes to stderr.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { log, timed } from './lib/harness.mjs';

const { values } = parseArgs({ options: { runs: { type: 'string', default: '15' }, dirs: { type: 'string', default: '2000' } } });
const runs = Number(values.runs);
const dir = mkdtempSync(join(tmpdir(), 'pipe-dvc-subdir-bench-'));
execFileSync('git', ['init', '-q', dir]);
const write = (rel, text) => {
  mkdirSync(join(dir, rel, '..'), { recursive: true });
  writeFileSync(join(dir, rel), text);
};
// A DVC repository's root holds .dvc/ (there is no root dvc.yaml).
write('.dvc/config', '');
const items = Array.from({ length: 200 }, (_, i) => `item${i}`);
write('proj-a/params.yaml', `items: [${items.join(', ')}]\n`);
write('proj-a/dvc.yaml', 'stages:\n  prep:\n    foreach: ${items}\n    do:\n      cmd: mkdir -p out && echo ${item} > out/prep-${item}.txt\n      outs:\n        - out/prep-${item}.txt\n');
write('proj-b/params.yaml', `grid:\n  a: [${Array.from({ length: 20 }, (_, i) => i).join(', ')}]\n  b: [${Array.from({ length: 10 }, (_, i) => `b${i}`).join(', ')}]\ntrain:\n  lr: 0.01\n`);
write('proj-b/dvc.yaml', 'stages:\n  grid:\n    matrix:\n      a: ${grid.a}\n      b: ${grid.b}\n    cmd: mkdir -p out && echo ${item.a} ${item.b} ${train.lr} > out/grid-${key}.txt\n    outs:\n      - out/grid-${key}.txt:\n          cache: false\n');

const run = (args) => timed(args, { cwd: dir });
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const loadBefore = loadavg().map((x) => x.toFixed(2)).join(' ');
log(`first run of 400 stages in ${dir}…`);
const first = run('repro -j 2');
const noop = () => {
  const t = { ms: [], cpu: [] };
  for (let i = 0; i < runs; i++) {
    const r = run('repro');
    if (!/Everything is up to date/.test(r.out)) throw new Error(`a no-op repro ran something:\n${r.out}`);
    t.ms.push(r.ms);
    t.cpu.push(r.cpu);
  }
  return t;
};
run('repro'); // remembers the search and the pipeline
const plain = noop();
log(`adding ${values.dirs} directories…`);
for (let i = 0; i < Number(values.dirs); i++) mkdirSync(join(dir, 'data', `d${Math.floor(i / 100)}`, `e${i}`), { recursive: true });
run('repro'); // searches again once, then remembers
const many = noop();
const cell = (xs) => `${median(xs).toFixed(0)} ms (min ${Math.min(...xs).toFixed(0)})`;
const load = loadavg().map((x) => x.toFixed(2)).join(' ');
process.stdout.write(`Command: \`npm run build && node bench/dvc-subdir-load.mjs --runs ${runs} --dirs ${values.dirs}\` — ${cpus().length} cores, Node ${process.versions.node}, load average ${loadBefore} before, ${load} at the end.

| median of ${runs} | wall | CPU (user + sys) |
| --- | --- | --- |
| no-op \`pipe repro\`, 400 templated stages in proj-a/dvc.yaml + proj-b/dvc.yaml | ${cell(plain.ms)} | ${cell(plain.cpu)} |
| the same with ${values.dirs} more directories in the workspace | ${cell(many.ms)} | ${cell(many.cpu)} |
| first run of the 400 stages (\`-j 2\`) | ${first.ms.toFixed(0)} ms | |
`);
rmSync(dir, { recursive: true, force: true });
