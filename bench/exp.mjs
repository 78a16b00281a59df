#!/usr/bin/env node
// Experiments (issue 18): a 6-experiment sweep (3 lr × 2 hidden) run with `pipe queue start -j 2`
// against the same six run one after another (`pipe exp run` without --queue), each in a fresh
// copy of a small repository whose train stage is CPU-bound (~1.5 s of arithmetic on one core),
// and the bookkeeping per experiment: the same sweep again, where every stage is restored from the
// run-cache, so what is left is the snapshot, worktree, checkout, hashing, restore, commit and ref.
// The example pipeline (stages/, TF.js) is not used: each of its experiments loads TF.js in
// several tsx processes, minutes per sweep on this machine, and the comparison is the same.
//
//   node bench/exp.mjs [--rounds N] [--work N]
//
// Markdown on stdout, progress on stderr. Needs a build (npm run build).
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { log, pipe, sh } from './lib/harness.mjs';

const { values } = parseArgs({ options: { rounds: { type: 'string', default: '2' }, work: { type: 'string', default: '60000000' } } });
const rounds = Number(values.rounds);

const TRAIN = `
import { readFileSync, writeFileSync } from 'node:fs';
const text = readFileSync('params.yaml', 'utf8');
const lr = Number(/lr: (.*)/.exec(text)[1]);
const hidden = /hidden: (.*)/.exec(text)[1];
let x = lr;
for (let i = 0; i < ${Number(values.work)}; i++) x = (x * 1.000001 + i % 7) % 1000;
writeFileSync('model.txt', String(x) + hidden + '\\n');
writeFileSync('metrics.json', JSON.stringify({ score: x % 1, lr }) + '\\n');
`;

const template = mkdtempSync(join(tmpdir(), 'pipe-bench-exp-'));
const base = join(template, 'base');
mkdirSync(base);
sh(`git init -q . && git config user.name bench && git config user.email bench@localhost`, base);
writeFileSync(join(base, 'params.yaml'), 'train:\n  lr: 0.5\n  hidden: [16]\n');
writeFileSync(join(base, 'train.mjs'), TRAIN);
writeFileSync(join(base, 'pipeline.yaml'), 'stages:\n  prep:\n    cmd: seq 1 100000 > data.txt\n    outs: [data.txt]\n  train:\n    cmd: node train.mjs\n    deps: [data.txt, train.mjs]\n    params: [train.lr, train.hidden]\n    outs: [model.txt]\n    metrics: [metrics.json]\n');
sh(`${pipe} repro >/dev/null && git add -A && git commit -qm baseline`, base);

const SWEEP = `-S train.lr=0.001,0.01,0.1 -S 'train.hidden=[32],[64,32]'`;
const timed = (cmd, cwd) => {
  const t = performance.now();
  sh(`${cmd} >/dev/null`, cwd);
  return performance.now() - t;
};
const fresh = (name) => {
  const dir = join(template, name);
  cpSync(base, dir, { recursive: true });
  return dir;
};

const seq = [];
const par = [];
const book = [];
const phases = new Map();
for (let r = 0; r < rounds; r++) {
  // Alternate which goes first, so a shared machine's load hits both alike.
  const order = r % 2 === 0 ? ['seq', 'par'] : ['par', 'seq'];
  for (const which of order) {
    const dir = fresh(`${which}-${r}`);
    if (which === 'seq') {
      log(`round ${r + 1}: six experiments one after another …`);
      seq.push(timed(`${pipe} exp run -q ${SWEEP}`, dir));
    } else {
      log(`round ${r + 1}: six experiments queued, -j 2 …`);
      par.push(timed(`${pipe} exp run --queue ${SWEEP}`, dir) + timed(`${pipe} queue start -q -j 2`, dir));
      log(`round ${r + 1}: the same sweep again, all restored from the run-cache …`);
      const t = performance.now();
      const run = spawnSync('sh', ['-c', `${pipe} exp run -q ${SWEEP}`], { cwd: dir, env: { ...process.env, PIPE_EXP_TRACE: '1' }, encoding: 'utf8' });
      if (run.status !== 0) throw new Error(run.stderr);
      book.push((performance.now() - t) / 6);
      // The phases each experiment reports (run-experiment.ts): git and worktree work apart from repro.
      for (const m of run.stderr.matchAll(/\] (worktree add|params \+ checkout|repro|commit \+ ref|worktree remove): (\d+) ms/g)) {
        phases.set(m[1], [...(phases.get(m[1]) ?? []), Number(m[2])]);
      }
    }
  }
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const s = (x) => `${(x / 1000).toFixed(1)} s`;
const [mSeq, mPar, mBook] = [median(seq), median(par), median(book)];
console.log(`| measure (median of ${rounds}) | time |`);
console.log('| --- | --- |');
console.log(`| 6 experiments, one after another (\`pipe exp run\`) | ${s(mSeq)} |`);
console.log(`| 6 experiments, \`pipe exp run --queue\` + \`pipe queue start -j 2\` | ${s(mPar)} |`);
console.log(`| speed-up | ${(mSeq / mPar).toFixed(2)}× |`);
console.log(`| bookkeeping per experiment (all stages restored from the run-cache) | ${mBook.toFixed(0)} ms |`);
const mean = (xs) => xs.reduce((a, b) => a + b, 0) / xs.length;
console.log(`\nper experiment of the restored sweep, mean by phase: ${[...phases].map(([k, v]) => `${k} ${mean(v).toFixed(0)} ms`).join(', ')}; all but repro: ${[...phases].filter(([k]) => k !== 'repro').reduce((s, [, v]) => s + mean(v), 0).toFixed(0)} ms`);
console.log(`\nall runs: sequential ${seq.map(s).join(', ')}; -j 2 ${par.map(s).join(', ')}; restored ${book.map((x) => `${x.toFixed(0)} ms`).join(', ')}`);
console.log(`machine: ${cpus().length} cores, Node ${process.version}, load average ${loadavg().map((x) => x.toFixed(1)).join(' ')} at the end`);
sh(`rm -rf ${template}`, tmpdir());
