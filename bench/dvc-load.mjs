#!/usr/bin/env node
// dvc.yaml loading (issue 18): a dvc.yaml with a 200-item foreach and a 20×10 matrix (400
// stages, every one templated), run once, then timed: the no-op `pipe repro` (target ≤ 300 ms)
// and `pipe status`, each the median of --runs runs of the built CLI; in the same rounds, the
// machine's floor (`node -e ''`, `pipe --version`) and the same project as a pipeline.yaml, and
// each with NODE_EXTRA_CA_CERTS unset too (Node parses that bundle at every start).
//
//   npm run build && node bench/dvc-load.mjs [--runs N] [--dir DIR] [--keep]
//
// Prints a Markdown section for docs/BENCHMARKS.md on stdout; progress goes to stderr.
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { log, timed } from './lib/harness.mjs';

const { values } = parseArgs({ options: { runs: { type: 'string', default: '15' }, dir: { type: 'string' }, keep: { type: 'boolean', default: false } } });
const runs = Number(values.runs);
const dir = values.dir ?? mkdtempSync(join(tmpdir(), 'pipe-dvc-bench-'));
mkdirSync(dir, { recursive: true });
execFileSync('git', ['init', '-q', dir]);

const items = Array.from({ length: 200 }, (_, i) => `item${i}`);
writeFileSync(
  join(dir, 'params.yaml'),
  `items: [${items.join(', ')}]\ngrid:\n  a: [${Array.from({ length: 20 }, (_, i) => i).join(', ')}]\n  b: [${Array.from({ length: 10 }, (_, i) => `b${i}`).join(', ')}]\ntrain:\n  lr: 0.01\n  depth: {max: 4}\n`,
);
writeFileSync(
  join(dir, 'dvc.yaml'),
  `vars:
  - tag: bench
stages:
  prep:
    foreach: \${items}
    do:
      cmd: echo \${item} \${tag} > out/prep-\${item}.txt
      outs:
        - out/prep-\${item}.txt
  grid:
    matrix:
      a: \${grid.a}
      b: \${grid.b}
    cmd: echo \${item.a} \${item.b} \${train.lr} \${train.depth.max} > out/grid-\${key}.txt
    outs:
      - out/grid-\${key}.txt:
          cache: false
`,
);
mkdirSync(join(dir, 'out'));

// Wall time, and CPU time (user + sys, from GNU time) as a figure a loaded machine disturbs less.
const noCa = { ...process.env };
delete noCa.NODE_EXTRA_CA_CERTS;
const run = (args, { cwd = dir, env = process.env, node = false } = {}) => timed(args, { cwd, env, node });
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const loadBefore = loadavg().map((x) => x.toFixed(2)).join(' ');
log(`first run of 400 stages in ${dir}…`);
const first = run('repro -j 2');
log(`first run: ${first.ms.toFixed(0)} ms`);
// The same stages, data.lock and outs, read from pipeline.yaml instead (templated the same way).
const asPipe = `${dir}-pipeline-yaml`;
cpSync(dir, asPipe, { recursive: true });
renameSync(join(asPipe, 'dvc.yaml'), join(asPipe, 'pipeline.yaml'));
run('repro', { cwd: asPipe });

const rows = {
  'no-op `pipe repro`, dvc.yaml (400 templated stages, target ≤ 300 ms)': { args: 'repro', noop: true },
  'the same, NODE_EXTRA_CA_CERTS unset': { args: 'repro', env: noCa, noop: true },
  'no-op `pipe repro`, the same file as pipeline.yaml': { args: 'repro', cwd: asPipe, noop: true },
  '`pipe status`, dvc.yaml': { args: 'status' },
  "floor: `node -e ''`": { args: "node -e ''", node: true },
  "floor: `node -e ''`, NODE_EXTRA_CA_CERTS unset": { args: "node -e ''", node: true, env: noCa },
  'floor: `pipe --version`': { args: '--version' },
};
const times = Object.fromEntries(Object.keys(rows).map((k) => [k, { ms: [], cpu: [] }]));
for (let i = 0; i < runs; i++) {
  for (const [name, o] of Object.entries(rows)) {
    const r = run(o.args, o);
    if (o.noop && !/Everything is up to date/.test(r.out)) throw new Error(`a no-op repro ran something:\n${r.out}`);
    times[name].ms.push(r.ms);
    times[name].cpu.push(r.cpu);
  }
}
const load = loadavg().map((x) => x.toFixed(2)).join(' ');
const cell = (xs) => `${median(xs).toFixed(0)} ms (min ${Math.min(...xs).toFixed(0)})`;
process.stdout.write(`### dvc.yaml: 200-item foreach + 20×10 matrix (issue 18)

Command: \`npm run build && node bench/dvc-load.mjs --runs ${runs}\` — ${cpus().length} cores, Node ${process.versions.node}, load average ${loadBefore} before, ${load} at the end. Each round runs every row once, in this order.

| median of ${runs} | wall | CPU (user + sys) |
| --- | --- | --- |
${Object.entries(times).map(([name, t]) => `| ${name} | ${cell(t.ms)} | ${cell(t.cpu)} |`).join('\n')}
| first run of the 400 stages (\`-j 2\`) | ${first.ms.toFixed(0)} ms | |
`);
if (!values.keep && !values.dir) rmSync(dir, { recursive: true, force: true });
if (!values.keep) rmSync(asPipe, { recursive: true, force: true });
