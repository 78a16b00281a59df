#!/usr/bin/env node
// `pipe model show` and `pipe model history NAME` on a registry of 2,000 tags (issue 15's target:
// show ≤ 300 ms): 5 artifacts × 200 versions, 100 stage assignments each (dev/test/prod, each at
// its own commit's version), and 500 unrelated release tags — packed as a clone has them
// (`git gc`), or loose with --loose. Also times `git for-each-ref` over the same tags, the floor
// of reading them at all, and `pipe --version`, the floor of starting the CLI.
//
//   node bench/registry.mjs [--runs N] [--loose] [--dir DIR]
//
// Markdown on stdout, progress on stderr. Needs git.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { log, pipe, requireTools } from './lib/harness.mjs';

const { values } = parseArgs({ options: { runs: { type: 'string', default: '21' }, loose: { type: 'boolean', default: false }, dir: { type: 'string' } } });
requireTools(['git']);
const runs = Number(values.runs);
const dir = values.dir ?? mkdtempSync(join(tmpdir(), 'pipe-bench-registry-'));
const git = (args, input) => execFileSync('git', args, { cwd: dir, input, env: { ...process.env, GIT_AUTHOR_NAME: 'A', GIT_AUTHOR_EMAIL: 'a@x', GIT_COMMITTER_NAME: 'A', GIT_COMMITTER_EMAIL: 'a@x' } });

log(`making 2,000 tags in ${dir} …`);
git(['init', '-q', '-b', 'main']);
// 1,000 commits (one per version) and the tags, through fast-import: one process, not 3,000.
let stream = '';
let t = 1_700_000_000;
let mark = 0;
const versions = [];
for (let v = 0; v < 1000; v++) {
  mark++;
  const msg = `model ${v}`;
  stream += `commit refs/heads/main\nmark :${mark}\ncommitter A <a@x> ${t++} +0000\ndata ${msg.length}\n${msg}\n`;
  if (v === 0) stream += `M 644 inline pipeline.yaml\ndata 11\nstages: {}\n\n`;
  versions.push(mark);
}
const tag = (name, commitMark) => {
  const msg = `msg ${name}`;
  stream += `tag ${name}\nfrom :${commitMark}\ntagger A <a@x> ${t++} +0000\ndata ${msg.length}\n${msg}\n`;
};
let total = 0;
['churn', 'iris', 'fraud', 'ltv', 'nps'].forEach((a, ai) => {
  for (let v = 0; v < 200; v++, total++) tag(`${a}@v1.${v}.0`, versions[ai * 200 + v]);
  for (let s = 0; s < 100; s++, total++) tag(`${a}#${["dev", "test", "prod"][s % 3]}#${s + 1}`, versions[ai * 200 + 100 + s]);
});
for (let i = 0; i < 500; i++, total++) tag(`release-${i}`, versions[i]);
git(['fast-import', '--quiet'], stream);
git(['checkout', '-q', 'main']);
if (!values.loose) git(['gc', '-q']);
log(`${total} tags (${values.loose ? 'loose' : 'packed'})`);

const time = (cmd) => {
  const xs = [];
  for (let i = 0; i < runs; i++) {
    const t0 = process.hrtime.bigint();
    const r = spawnSync('sh', ['-c', cmd], { cwd: dir, stdio: ['ignore', 'ignore', 'inherit'] });
    if (r.status !== 0) throw new Error(`${cmd} failed`);
    xs.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  xs.sort((a, b) => a - b);
  return { median: xs[Math.floor(xs.length / 2)], min: xs[0], max: xs[xs.length - 1] };
};
const loadBefore = loadavg();
const rows = [
  ['`pipe model show`', time(`${pipe} model show`)],
  ['`pipe model show churn`', time(`${pipe} model show churn`)],
  ['`pipe model history churn`', time(`${pipe} model history churn`)],
  ['floor: `git for-each-ref` with tagger and subject over the same tags', time("git for-each-ref refs/tags --format='%(refname) %(*objectname) %(taggerdate:unix) %(subject)' > /dev/null")],
  ['floor: `pipe --version` (start-up)', time(`${pipe} --version`)],
];
const f = (x) => `${Math.round(x).toLocaleString('en')} ms`;
const out = [
  `Machine: ${cpus().length} cores (${cpus()[0]?.model}), ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}.`,
  `Load average before: ${loadBefore.map((x) => x.toFixed(2)).join(' / ')}; after: ${loadavg().map((x) => x.toFixed(2)).join(' / ')}.`,
  `Command: \`node bench/registry.mjs --runs ${runs}${values.loose ? ' --loose' : ''}\`; ${total} tags (${values.loose ? 'loose' : 'packed by git gc'}); medians of ${runs} runs (min–max).`,
  '',
  '| measure | median (min–max) |',
  '| --- | --- |',
  ...rows.map(([name, r]) => `| ${name} | ${f(r.median)} (${f(r.min)}–${f(r.max)}) |`),
];
process.stdout.write(`${out.join('\n')}\n`);
