#!/usr/bin/env node
// Diff benchmarks (issue: params/metrics diffs read from git). Builds a repository with a small
// pipeline (pipeline.yaml, params.yaml, metrics/eval.json, 50 source files) and 1,000 commits on
// main that each change the metric, then a feature branch with 5 more commits (metric and a param),
// checked out. hyperfine then times, from the feature branch:
//   - pipe metrics diff main HEAD        (target: ≤ 300 ms)
//   - pipe params diff main HEAD
//   - pipe metrics diff main~999 HEAD    (walks 999 parents)
//   - pipe metrics show --all-branches
// once with loose objects and refs (as after 1,000 `git commit`s) and once after `git gc`
// (one packfile, packed refs), against the floor of two `git show REV:metrics/eval.json`
// processes. DVC is not installed here, so there is no DVC column.
//
//   node bench/diff.mjs [--commits N] [--dir DIR] [--runs N]
//
// Needs git and hyperfine. Markdown on stdout, progress on stderr.
import { Buffer } from 'node:buffer';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { hyperfine as hf, log, ms, pipe, requireTools, sh } from './lib/harness.mjs';

const { values } = parseArgs({
  options: {
    commits: { type: 'string', default: '1000' },
    dir: { type: 'string' },
    runs: { type: 'string', default: '20' },
  },
});
const commits = Number(values.commits);
const runs = Number(values.runs);
const base = values.dir ?? mkdtempSync(join(tmpdir(), 'pipe-bench-diff-'));
requireTools(['git', 'hyperfine']);
const noCa = { ...process.env };
delete noCa.NODE_EXTRA_CA_CERTS;

/** A git fast-import stream: the history described above, with fixed dates so every build is identical. */
function history() {
  const out = [];
  const file = (path, text) => out.push(`M 100644 inline ${path}`, `data ${Buffer.byteLength(text)}`, text);
  const pipeline = 'stages:\n  train:\n    cmd: node src/train.js\n    deps: [src]\n    params: [train.lr, train.epochs]\n    metrics: [metrics/eval.json]\n';
  const params = (lr) => `train:\n  lr: ${lr}\n  epochs: 20\n  hidden: [64, 32]\nseed: 1\n`;
  const metrics = (i) => `${JSON.stringify({ auc: 0.7 + i / 10_000, loss: 0.6 - i / 20_000, accuracy: 0.65 + i / 12_000, step: i, per_class: { churn: { f1: 0.5 + i / 30_000 } } }, null, 2)}\n`;
  let mark = 0;
  const commit = (branch, i, from, files) => {
    mark += 1;
    out.push(`commit refs/heads/${branch}`, `mark :${mark}`, `committer Bench <bench@pipe.invalid> ${1_700_000_000 + i * 60} +0000`);
    const msg = `${branch} ${i}`;
    out.push(`data ${msg.length}`, msg);
    if (from) out.push(`from :${from}`);
    files();
    out.push('');
    return mark;
  };
  let last = commit('main', 0, undefined, () => {
    file('pipeline.yaml', pipeline);
    file('params.yaml', params(0.01));
    for (let f = 0; f < 50; f++) file(`src/module-${f}.js`, `export const m${f} = ${f};\n`.repeat(20));
    file('metrics/eval.json', metrics(0));
  });
  for (let i = 1; i < commits; i++) last = commit('main', i, last, () => file('metrics/eval.json', metrics(i)));
  let feature = last;
  for (let j = 1; j <= 5; j++) {
    feature = commit('feature', commits + j, feature, () => {
      file('metrics/eval.json', metrics(commits + 100 * j));
      file('params.yaml', params(0.01 + j / 1000));
    });
  }
  return `${out.join('\n')}\n`;
}

const dir = join(base, 'repo');
rmSync(dir, { recursive: true, force: true });
mkdirSync(dir, { recursive: true });
log(`building ${commits} commits on main and 5 on feature in ${dir} …`);
execFileSync('git', ['init', '-q', dir]);
execFileSync('git', ['fast-import', '--quiet'], { cwd: dir, input: history() });
sh('git symbolic-ref HEAD refs/heads/feature && git reset -q --hard', dir);
// fast-import writes one packfile; unpack it into loose objects, as 1,000 `git commit`s leave them.
const packDir = join(dir, '.git/objects/pack');
for (const f of readdirSync(packDir)) {
  if (f.endsWith('.pack')) renameSync(join(packDir, f), join(base, 'history.pack'));
  else rmSync(join(packDir, f));
}
sh(`git unpack-objects -q < ${join(base, 'history.pack')}`, dir);
rmSync(join(base, 'history.pack'));
const loose = sh('git count-objects', dir).trim();
const check = sh(`${pipe} metrics diff main HEAD`, dir);
if (!/metrics\/eval\.json\s+auc/.test(check)) throw new Error(`unexpected output of pipe metrics diff main HEAD:\n${check}`);

const commands = {
  'pipe metrics diff main HEAD': `${pipe} metrics diff main HEAD`,
  'pipe params diff main HEAD': `${pipe} params diff main HEAD`,
  'pipe metrics diff main~999 HEAD': `${pipe} metrics diff main~${commits - 1} HEAD`,
  'pipe metrics show --all-branches': `${pipe} metrics show --all-branches`,
  'git show ×2 (floor)': "sh -c 'git show main:metrics/eval.json > /dev/null && git show HEAD:metrics/eval.json > /dev/null'",
  'pipe --version': `${pipe} --version`,
};
const time = (label) => {
  log(`${label}: timing …`);
  return {
    ca: hf(base, dir, commands, { runs, warmup: 3 }),
    noCa: hf(base, dir, commands, { runs, warmup: 3, env: noCa }),
  };
};
const r = {};
r.loose = time(`loose objects (${loose})`);
sh('git gc -q --prune=now', dir);
const packed = sh('git count-objects -v', dir).match(/size-pack: (\d+)/)?.[1];
r.packed = time(`after git gc (pack ${packed} KiB)`);

const lines = [];
lines.push(`Machine: ${cpus().length} cores (${cpus()[0]?.model}), ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}, git ${sh('git --version', dir).trim().replace('git version ', '')}.`);
lines.push(`Command: \`node bench/diff.mjs --commits ${commits}\`: ${commits} commits on main changing metrics/eval.json, 5 more on the checked-out feature branch (metric and params.yaml); hyperfine medians of ${runs} runs. Loose: ${loose}; after \`git gc\`: one ${packed} KiB pack, packed refs.`);
lines.push(`NODE_EXTRA_CA_CERTS is set on this machine and slows every Node start; figures without it in brackets. DVC is not installed, so there is no DVC column.`);
lines.push('');
lines.push('| command | loose objects | after git gc |');
lines.push('| --- | --- | --- |');
for (const name of Object.keys(commands)) {
  const cell = (x) => `${ms(x.ca[name].median)} (${ms(x.noCa[name].median)})`;
  lines.push(`| \`${name}\` | ${cell(r.loose)} | ${cell(r.packed)} |`);
}
process.stdout.write(`${lines.join('\n')}\n`);
