#!/usr/bin/env node
// `pipe model get churn#prod` in a fresh clone from a directory remote (issue 15's target: ≤ 1 s
// for the example model). The model mimics what the example pipeline writes to models/churn (the
// same five files and sizes: model.json, weights.bin, preprocessing.json, feature-schema.json,
// metadata.json); the remote also holds 300 files of other data, which get must not fetch. Each
// run clones the origin afresh (untimed: no cache at all), then times the get. Also timed: a get
// the cache can serve (a second output directory in the same clone), and `pipe --version`, the
// floor of starting the CLI.
//
//   node bench/model-get.mjs [--runs N] [--dir DIR]
//
// Markdown on stdout, progress on stderr. Needs git.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { log, pipe, requireTools } from './lib/harness.mjs';

const { values } = parseArgs({ options: { runs: { type: 'string', default: '15' }, dir: { type: 'string' } } });
requireTools(['git']);
const runs = Number(values.runs);
const base = values.dir ?? mkdtempSync(join(tmpdir(), 'pipe-bench-model-get-'));
const origin = join(base, 'origin');
const remote = join(base, 'remote');
const env = { ...process.env, GIT_AUTHOR_NAME: 'A', GIT_AUTHOR_EMAIL: 'a@x', GIT_COMMITTER_NAME: 'A', GIT_COMMITTER_EMAIL: 'a@x', NO_COLOR: '1' };
const run = (cmd, cwd) => execFileSync('sh', ['-c', cmd], { cwd, env, stdio: ['ignore', 'pipe', 'inherit'] }).toString();

log(`making the origin in ${origin} …`);
mkdirSync(origin, { recursive: true });
mkdirSync(remote, { recursive: true });
// The "training": deterministic bytes of the example model's sizes.
writeFileSync(
  join(origin, 'make-model.mjs'),
  `import { mkdirSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
const bytes = (seed, n) => { const out = Buffer.alloc(n); let h = Buffer.alloc(0); for (let i = 0; i < n; i += 32) { h = createHash('sha256').update(h).update(seed).digest(); h.copy(out, i); } return out; };
const text = (seed, n) => bytes(seed, n).toString('base64').slice(0, n);
mkdirSync('models/churn', { recursive: true });
const files = { 'model.json': 2013, 'weights.bin': 18436, 'preprocessing.json': 4228, 'feature-schema.json': 3252, 'metadata.json': 782 };
for (const [f, n] of Object.entries(files)) writeFileSync('models/churn/' + f, f.endsWith('.bin') ? bytes(f, n) : text(f, n));
mkdirSync('data/features', { recursive: true });
for (let i = 0; i < 300; i++) writeFileSync('data/features/part-' + i + '.csv', text('f' + i, 4096));
`,
);
writeFileSync(
  join(origin, 'pipeline.yaml'),
  [
    'stages:',
    '  train:',
    '    cmd: node make-model.mjs',
    '    deps: [make-model.mjs]',
    '    outs: [models/churn, data/features]',
    'artifacts:',
    '  churn: {path: models/churn, type: model}',
    '',
  ].join('\n'),
);
run('git init -q -b main && git config user.name A && git config user.email a@x', origin);
run(`${pipe} repro > /dev/null && ${pipe} remote add store ${remote} --default > /dev/null && ${pipe} push > /dev/null`, origin);
run('git add -A && git commit -qm model', origin);
run(`${pipe} model register churn > /dev/null && ${pipe} model assign churn --stage prod > /dev/null`, origin);

const time = (cmd, prepare) => {
  const xs = [];
  let cwd;
  for (let i = 0; i < runs; i++) {
    cwd = prepare(i);
    const t0 = process.hrtime.bigint();
    const r = spawnSync('sh', ['-c', cmd], { cwd, env, stdio: ['ignore', 'ignore', 'inherit'] });
    if (r.status !== 0) throw new Error(`${cmd} failed`);
    xs.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  xs.sort((a, b) => a - b);
  return { median: xs[Math.floor(xs.length / 2)], min: xs[0], max: xs[xs.length - 1], cwd };
};
const freshClone = (i) => {
  const dir = join(base, `clone-${i}`);
  rmSync(dir, { recursive: true, force: true });
  run(`git clone -q ${origin} ${dir}`, base);
  return dir;
};
const loadBefore = loadavg();
const fresh = time(`${pipe} model get churn#prod -o out`, freshClone);
const fetched = readdirSync(join(fresh.cwd, '.pipe/cache/files/sha256')).flatMap((d) => readdirSync(join(fresh.cwd, '.pipe/cache/files/sha256', d))).length;
let n = 0;
const cached = time(`${pipe} model get churn#prod -o again-${runs}`, () => {
  rmSync(join(fresh.cwd, `again-${runs}`), { recursive: true, force: true });
  n++;
  return fresh.cwd;
});
const version = time(`${pipe} --version`, () => base);
const f = (x) => `${Math.round(x).toLocaleString('en')} ms`;
const out = [
  `Machine: ${cpus().length} cores (${cpus()[0]?.model}), ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}.`,
  `Load average before: ${loadBefore.map((x) => x.toFixed(2)).join(' / ')}; after: ${loadavg().map((x) => x.toFixed(2)).join(' / ')}.`,
  `Command: \`node bench/model-get.mjs --runs ${runs}\`; medians of ${runs} runs (min–max); the fresh clone's cache afterwards held ${fetched} objects (the model's manifest and 5 files; the remote holds ${fetched + 301}).`,
  '',
  '| measure | median (min–max) |',
  '| --- | --- |',
  `| \`pipe model get churn#prod -o out\` in a fresh clone (its 6 objects fetched from a directory remote) | ${f(fresh.median)} (${f(fresh.min)}–${f(fresh.max)}) |`,
  `| the same get served by the cache (${n} runs, a new output directory each) | ${f(cached.median)} (${f(cached.min)}–${f(cached.max)}) |`,
  `| floor: \`pipe --version\` (start-up) | ${f(version.median)} (${f(version.min)}–${f(version.max)}) |`,
];
process.stdout.write(`${out.join('\n')}\n`);
if (!values.dir) rmSync(base, { recursive: true, force: true });
