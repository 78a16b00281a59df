#!/usr/bin/env node
// Report and gate benchmarks (issue: reports, plots and the promotion gate). Clones this
// repository (the example churn pipeline: 2 metrics files, 5 plots, 1 gate rule) into a temp
// directory, commits a "feature" change on top of main that moves the metrics and every plot's
// data (so each plot overlays two revisions), and times from the feature branch:
//   - pipe report --base main -o report.md   (everything, plots as SVG + PNG; target ≤ 2 s)
//   - pipe report --base main --no-plots     (the Markdown alone)
//   - pipe gate --base main                  (target ≤ 300 ms)
//   - node -e ''                             (Node's own start, the floor)
// CML (the peer) needs Python/Docker and GitHub; neither is reachable here, so there is no CML column.
//
//   node bench/report.mjs [--dir DIR] [--runs N]
//
// Needs git and hyperfine. Markdown on stdout, progress on stderr.
import { readFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { hyperfine as hf, log, ms, pipe, repo, requireTools, sh } from './lib/harness.mjs';

const { values } = parseArgs({ options: { dir: { type: 'string' }, runs: { type: 'string', default: '10' } } });
const runs = Number(values.runs);
const base = values.dir ?? mkdtempSync(join(tmpdir(), 'pipe-bench-report-'));
requireTools(['git', 'hyperfine']);

const dir = join(base, 'repo');
rmSync(dir, { recursive: true, force: true });
log(`cloning ${repo} into ${dir} …`);
sh(`git clone -q --no-hardlinks ${repo} ${dir}`);
const git = (args) => sh(`git -c user.name=bench -c user.email=bench@pipe.invalid ${args}`, dir);
git('checkout -q -B main');
git('checkout -q -b feature');
const bump = (file, f) => writeFileSync(join(dir, file), `${JSON.stringify(f(JSON.parse(readFileSync(join(dir, file), 'utf8'))), null, 1)}\n`);
bump('metrics/eval.json', (m) => ({ ...m, auc: m.auc + 0.004, logloss: m.logloss - 0.01 }));
const plots = ['roc', 'precision-recall', 'calibration', 'training-loss', 'confusion'];
for (const p of plots) {
  bump(`plots/${p}.json`, (rows) => rows.map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, typeof v === 'number' && !Number.isInteger(v) ? Math.min(1, v * 1.02) : v]))));
}
git('commit -q -am "feature: moved metrics and plots"');

const t = hf(base, dir, {
  'report (plots)': `${pipe} report --base main -o report.md`,
  'report --no-plots': `${pipe} report --base main --no-plots -o report-text.md`,
  gate: `${pipe} gate --base main`,
  'node -e ""': `node -e ""`,
}, { runs, warmup: 2 });
const report = readFileSync(join(dir, 'report.md'), 'utf8');
const cpu = cpus()[0]?.model ?? 'unknown CPU';
console.log(`Machine: ${cpus().length} × ${cpu}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}; commit ${sh('git rev-parse --short HEAD', repo).trim()}.`);
console.log(`NODE_EXTRA_CA_CERTS is ${process.env.NODE_EXTRA_CA_CERTS ? 'set' : 'not set'}. hyperfine medians of ${runs} runs.\n`);
console.log('| command | median | min | target |');
console.log('| --- | --- | --- | --- |');
const targets = { 'report (plots)': '≤ 2 s', gate: '≤ 300 ms' };
for (const [name, r] of Object.entries(t)) console.log(`| \`${name}\` | ${ms(r.median)} | ${ms(r.min)} | ${targets[name] ?? ''} |`);
console.log(`\nThe report: ${report.length} characters, ${plots.length} plots.`);
