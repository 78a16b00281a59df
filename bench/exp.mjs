#!/usr/bin/env node
// Experiments (issue 18): a 6-experiment sweep (3 lr × 2 hidden) run with `pipe queue start -j 2`
// against the same six run one after another (`pipe exp run` without --queue), each in a fresh
// copy of a small repository whose train stage is CPU-bound (~1.5 s of arithmetic on one core),
// and the bookkeeping per experiment: the same sweep again, where every stage is restored from the
// run-cache, so what is left is the snapshot, worktree, checkout, hashing, restore, commit and ref.
// Every run is traced (PIPE_EXP_TRACE=1), so each experiment's stage time (its repro phase) and
// bookkeeping (the other phases) are reported apart.
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
const PHASES = /\] (worktree add|params \+ checkout|repro|commit \+ ref|worktree remove): (\d+) ms/g;
/**
 * Runs `cmd` with PIPE_EXP_TRACE=1: its wall ms, its CPU ms (user + sys of pipe and every git and
 * stage process it waited for, from GNU time: what a loaded machine disturbs less), and each
 * experiment's phases (run-experiment.ts) from stderr.
 */
const traced = (cmd, cwd) => {
  const t = performance.now();
  const r = spawnSync('/usr/bin/time', ['-f', 'cpu %U %S', 'sh', '-c', `${cmd} >/dev/null`], { cwd, env: { ...process.env, PIPE_EXP_TRACE: '1' }, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${cmd} exited ${r.status}\n${r.stderr}`);
  const phases = [...r.stderr.matchAll(PHASES)].map((m) => [m[1], Number(m[2])]);
  const [, u, sys] = /cpu (\S+) (\S+)\s*$/.exec(r.stderr) ?? [];
  return { ms: performance.now() - t, cpu: (Number(u) + Number(sys)) * 1000, phases };
};
const fresh = (name) => {
  const dir = join(template, name);
  cpSync(base, dir, { recursive: true });
  return dir;
};

const runs = { seq: [], par: [], restored: [] };
const cpuOf = { seq: [], par: [], restored: [] };
/** Phase → ms of every experiment, per kind of run. */
const phasesOf = { seq: new Map(), par: new Map(), restored: new Map() };
const record = (kind, r) => {
  runs[kind].push(r.ms);
  cpuOf[kind].push(r.cpu);
  for (const [k, v] of r.phases) phasesOf[kind].set(k, [...(phasesOf[kind].get(k) ?? []), v]);
};
const loadBefore = loadavg().map((x) => x.toFixed(1)).join(' ');
for (let r = 0; r < rounds; r++) {
  // Alternate which goes first, so a shared machine's load hits both alike.
  const order = r % 2 === 0 ? ['seq', 'par'] : ['par', 'seq'];
  for (const which of order) {
    const dir = fresh(`${which}-${r}`);
    if (which === 'seq') {
      log(`round ${r + 1}: six experiments one after another …`);
      record('seq', traced(`${pipe} exp run -q ${SWEEP}`, dir));
    } else {
      log(`round ${r + 1}: six experiments queued, -j 2 …`);
      const queued = traced(`${pipe} exp run --queue ${SWEEP}`, dir);
      const started = traced(`${pipe} queue start -q -j 2`, dir);
      record('par', { ms: queued.ms + started.ms, cpu: queued.cpu + started.cpu, phases: started.phases });
      log(`round ${r + 1}: the same sweep again, all restored from the run-cache …`);
      record('restored', traced(`${pipe} exp run -q ${SWEEP}`, dir));
    }
  }
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const mean = (xs) => xs.reduce((a, b) => a + b, 0) / xs.length;
const s = (x) => `${(x / 1000).toFixed(1)} s`;
/** Mean ms per experiment: the stages (the repro phase) and the bookkeeping (every other phase). */
const split = (kind) => {
  const m = phasesOf[kind];
  const stage = mean(m.get('repro') ?? [0]);
  const book = [...m].filter(([k]) => k !== 'repro').reduce((t, [, v]) => t + mean(v), 0);
  return { stage, book, detail: [...m].map(([k, v]) => `${k} ${mean(v).toFixed(0)}`).join(', ') };
};
const [mSeq, mPar] = [median(runs.seq), median(runs.par)];
const perExp = median(runs.restored) / 6;
const seq = split('seq');
const par = split('par');
const restored = split('restored');
console.log(`| measure (median of ${rounds}) | time |`);
console.log('| --- | --- |');
console.log(`| 6 experiments, one after another (\`pipe exp run\`) | ${s(mSeq)} (CPU ${s(median(cpuOf.seq))}) |`);
console.log(`| 6 experiments, \`pipe exp run --queue\` + \`pipe queue start -j 2\` | ${s(mPar)} (CPU ${s(median(cpuOf.par))}) |`);
console.log(`| speed-up | ${(mSeq / mPar).toFixed(2)}× |`);
console.log(`| one after another, per experiment: stages (repro) / bookkeeping (worktree, params, checkout, commit, ref) | ${seq.stage.toFixed(0)} ms / ${seq.book.toFixed(0)} ms |`);
console.log(`| -j 2, per experiment: stages / bookkeeping (two at once) | ${par.stage.toFixed(0)} ms / ${par.book.toFixed(0)} ms |`);
console.log(`| a whole restored sweep / 6 (every stage from the run-cache; process start, snapshot and planning included) | ${perExp.toFixed(0)} ms wall, ${(median(cpuOf.restored) / 6).toFixed(0)} ms CPU |`);
console.log(`| restored sweep, per experiment: repro (hashing + restore) / bookkeeping | ${restored.stage.toFixed(0)} ms / ${restored.book.toFixed(0)} ms |`);
console.log(`\nmean ms by phase — one after another: ${seq.detail}; -j 2: ${par.detail}; restored: ${restored.detail}`);
console.log(`\nall runs: sequential ${runs.seq.map(s).join(', ')}; -j 2 ${runs.par.map(s).join(', ')}; restored sweeps ${runs.restored.map((x) => `${x.toFixed(0)} ms`).join(', ')}`);
console.log(`machine: ${cpus().length} cores, Node ${process.version}, load average ${loadBefore} before, ${loadavg().map((x) => x.toFixed(1)).join(' ')} at the end`);
sh(`rm -rf ${template}`, tmpdir());
