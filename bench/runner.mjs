#!/usr/bin/env node
// Runner benchmarks (issue: runner core). Generates the shared workload with
// ../shared/bench/make-workload.py, then times pipe against GNU make (-r) and Snakemake on the
// same work, and pipe's first hashing against b3sum and cat, all in one run with hyperfine.
//
//   node bench/runner.mjs [--preset small|default] [--dir /tmp/pipe-bench] [--runs N] [--keep]
//
// Needs: python3, hyperfine, b3sum, make; snakemake is optional (Debian packages). Prints a
// Markdown section for docs/BENCHMARKS.md on stdout; progress goes to stderr.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { has, hyperfine as hf, log, ms, pipe as pipeCmd, repo, requireTools, sh, workload as makeWorkload } from './lib/harness.mjs';

const { values } = parseArgs({
  options: {
    preset: { type: 'string', default: 'default' },
    dir: { type: 'string' },
    runs: { type: 'string', default: '15' },
    keep: { type: 'boolean', default: false },
  },
});
const runs = Number(values.runs);
const base = values.dir ?? mkdtempSync(join(tmpdir(), 'pipe-bench-'));
requireTools(['python3', 'hyperfine', 'b3sum', 'make']);
const hyperfine = (cwd, commands, { n = runs, ...o } = {}) => hf(base, cwd, commands, { runs: n, ...o });

/** Peak RSS (MB) of one run, from GNU time. */
function peakRss(cwd, cmd) {
  const r = spawnSync('/usr/bin/time', ['-f', '%M', 'sh', '-c', `${cmd} > /dev/null 2>&1`], { cwd, encoding: 'utf8' });
  return Number(r.stderr.trim().split('\n').at(-1)) / 1024;
}

const noCa = { ...process.env };
delete noCa.NODE_EXTRA_CA_CERTS;

const workload = (preset) => makeWorkload(base, preset);

function fresh(dir) {
  rmSync(join(dir, '.pipe'), { recursive: true, force: true });
  rmSync(join(dir, 'data.lock'), { force: true });
  rmSync(join(dir, 'out'), { recursive: true, force: true });
}

function benchPreset(preset) {
  const dir = workload(preset);
  const meta = JSON.parse(readFileSync(join(dir, 'workload.json'), 'utf8'));
  const chain = meta.chain_target;
  const pipe = pipeCmd;
  const r = { preset, files: meta.files, bytes: meta.bytes };

  // Warm the page cache, then first hashing: pipe (state removed before each run) vs b3sum vs cat.
  sh('cat data/raw/* > /dev/null', dir);
  fresh(dir);
  sh(`${pipe} repro ${chain} -j 2`, dir); // creates .pipe/ and the lock; the chain's outs exist
  log(`${preset}: first hashing`);
  r.hash = hyperfine(dir, {
    'pipe status (cold stat state)': `${pipe} status c01`,
    b3sum: `sh -c 'b3sum data/raw/* > /dev/null'`,
    cat: `sh -c 'cat data/raw/* > /dev/null'`,
  }, { prepare: 'rm -rf .pipe/tmp/state .pipe/tmp/parsed.json', n: Math.min(runs, 8) });

  log(`${preset}: no-op chain`);
  sh(`${pipe} repro ${chain}`, dir);
  r.chain = hyperfine(dir, { 'pipe repro (no-op)': `${pipe} repro ${chain}`, 'pipe status': `${pipe} status ${chain}` });
  r.chainNoCa = hyperfine(dir, { 'pipe repro (no-op)': `${pipe} repro ${chain}`, 'pipe status': `${pipe} status ${chain}` }, { env: noCa });
  r.rssRepro = peakRss(dir, `${pipe} repro ${chain}`);
  r.rssStatus = peakRss(dir, `${pipe} status ${chain}`);

  log(`${preset}: fan-out`);
  fresh(dir);
  const t0 = process.hrtime.bigint();
  sh(`${pipe} repro fan_all -j 2`, dir);
  r.fanFirstFull = Number(process.hrtime.bigint() - t0) / 1e6;
  // First run with the stat state already warm (data/raw hashed before): stage overhead only.
  rmSync(join(dir, 'data.lock'), { force: true });
  rmSync(join(dir, 'out'), { recursive: true, force: true });
  const t1 = process.hrtime.bigint();
  sh(`${pipe} repro fan_all -j 2`, dir);
  r.fanFirstWarm = Number(process.hrtime.bigint() - t1) / 1e6;
  r.fan = hyperfine(dir, { 'pipe repro fan_all (no-op)': `${pipe} repro fan_all` });
  r.fanNoCa = hyperfine(dir, { 'pipe repro fan_all (no-op)': `${pipe} repro fan_all` }, { env: noCa });

  log(`${preset}: peers`);
  sh(`make -r -s ${'out/chain/' + chain + '.txt'} out/fan/all.txt`, dir);
  r.make = hyperfine(dir, {
    'make -r chain (no-op)': `make -r -s out/chain/${chain}.txt`,
    'make -r fan-out (no-op)': 'make -r -s out/fan/all.txt',
  });
  if (has('snakemake')) {
    sh('snakemake -c2 chain fanout > /dev/null 2>&1', dir);
    r.snakemake = hyperfine(dir, {
      'snakemake chain (no-op)': 'snakemake -c2 chain',
      'snakemake fanout (no-op)': 'snakemake -c2 fanout',
    }, { n: Math.min(runs, 5), warmup: 1 });
  }
  return r;
}

const results = [benchPreset('small'), ...(values.preset === 'default' ? [benchPreset('default')] : [])];
const version = hyperfine(repo, { 'pipe --version': `${pipeCmd} --version`, 'node -e 0': 'node -e 0' }, { n: 30, warmup: 3 });
const versionNoCa = hyperfine(repo, { 'pipe --version': `${pipeCmd} --version`, 'node -e 0': 'node -e 0' }, { n: 30, warmup: 3, env: noCa });

const cpu = cpus()[0]?.model ?? 'unknown';
const lines = [];
lines.push(`Machine: ${cpus().length} cores (${cpu}), ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}, ext4.`);
lines.push(`Command: \`node bench/runner.mjs --preset ${values.preset}\` (hyperfine medians; ${runs} runs unless noted).`);
lines.push(`NODE_EXTRA_CA_CERTS is set on this machine; Node itself then takes ${ms(version['node -e 0'].median)} to start`
  + ` (${ms(versionNoCa['node -e 0'].median)} without it). Figures are given both ways.`);
lines.push('');
lines.push('| measure | files | pipe | peer | ratio |');
lines.push('| --- | --- | --- | --- | --- |');
for (const r of results) {
  const f = r.files.toLocaleString('en');
  const p = r.hash['pipe status (cold stat state)'].median;
  lines.push(`| first hashing of ${(r.bytes / 2 ** 20).toFixed(0)} MiB (incl. start-up) | ${f} | ${ms(p)} | b3sum ${ms(r.hash.b3sum.median)} / cat ${ms(r.hash.cat.median)} | ${(r.hash.b3sum.median / p).toFixed(2)}× b3sum throughput; ${(p / r.hash.cat.median).toFixed(2)}× cat time |`);
  lines.push(`| no-op \`repro\` of the 20-stage chain | ${f} | ${ms(r.chain['pipe repro (no-op)'].median)} (${ms(r.chainNoCa['pipe repro (no-op)'].median)} w/o CA certs), peak RSS ${r.rssRepro.toFixed(0)} MB | make -r ${ms(r.make['make -r chain (no-op)'].median)}${r.snakemake ? `, snakemake ${ms(r.snakemake['snakemake chain (no-op)'].median)}` : ''} | ${r.snakemake ? `${(r.snakemake['snakemake chain (no-op)'].median / r.chain['pipe repro (no-op)'].median).toFixed(1)}× faster than snakemake` : ''} |`);
  lines.push(`| \`status\` of the chain | ${f} | ${ms(r.chain['pipe status'].median)} (${ms(r.chainNoCa['pipe status'].median)} w/o CA certs), peak RSS ${r.rssStatus.toFixed(0)} MB | | |`);
  lines.push(`| no-op \`repro\` fan-out (20 + join) | ${f} | ${ms(r.fan['pipe repro fan_all (no-op)'].median)} (${ms(r.fanNoCa['pipe repro fan_all (no-op)'].median)} w/o CA certs) | make -r ${ms(r.make['make -r fan-out (no-op)'].median)}${r.snakemake ? `, snakemake ${ms(r.snakemake['snakemake fanout (no-op)'].median)}` : ''} | |`);
  lines.push(`| first full run of the fan-out, 21 stages, \`-j 2\` | ${f} | ${ms(r.fanFirstFull)} from nothing (incl. hashing), ${ms(r.fanFirstWarm)} with the stat state warm | | |`);
}
lines.push(`| \`pipe --version\` | | ${ms(version['pipe --version'].median)} (${ms(versionNoCa['pipe --version'].median)} w/o CA certs) | node -e 0: ${ms(version['node -e 0'].median)} (${ms(versionNoCa['node -e 0'].median)}) | |`);
process.stdout.write(`${lines.join('\n')}\n`);
process.stdout.write(`\n<!-- raw: ${JSON.stringify({ results, version, versionNoCa })} -->\n`);
if (!values.keep && !values.dir) rmSync(base, { recursive: true, force: true });
