#!/usr/bin/env node
// Times two (or more) builds of pipe against each other, alternating run by run so a shared
// machine's load hits them alike: wall and CPU (user + sys of the process and the git processes it
// waits for, from GNU time). The "before" build is a copy of an older commit, built:
//   git archive OLD | tar -x -C /tmp/old && ln -s "$PWD/node_modules" /tmp/old/ && (cd /tmp/old && node scripts/build.mjs)
//
//   node bench/compare-builds.mjs noop DIR RUNS BIN…   no-op `pipe repro` in DIR (e.g. bench/dvc-load.mjs --keep --dir DIR)
//   node bench/compare-builds.mjs exp DIR RUNS BIN…    a restored 6-experiment sweep in a fresh copy of DIR (bench/exp.mjs's
//                                                      repository after one sweep: its run-cache knows every result), per experiment
// BIN is a pipe bin (…/bin/pipe.js). Plain text on stdout.
import { execSync, spawnSync } from 'node:child_process';
import { cpSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';

const [mode, dir, n, ...bins] = process.argv.slice(2);
if (!['noop', 'exp'].includes(mode) || !dir || !bins.length) throw new Error('usage: compare-builds.mjs noop|exp DIR RUNS BIN…');
const SWEEP = `-S train.lr=0.001,0.01,0.1 -S 'train.hidden=[32],[64,32]'`;
const res = Object.fromEntries(bins.map((b) => [b, { w: [], c: [] }]));
for (let i = 0; i < Number(n); i++) {
  for (const bin of bins) {
    let cwd = dir;
    let cmd = `node ${bin} repro >/dev/null`;
    let per = 1;
    if (mode === 'exp') {
      cwd = join(tmpdir(), `pipe-compare-${process.pid}`);
      rmSync(cwd, { recursive: true, force: true });
      cpSync(dir, cwd, { recursive: true });
      execSync('git for-each-ref --format="delete %(refname)" refs/exps | git update-ref --stdin', { cwd });
      cmd = `node ${bin} exp run -q ${SWEEP} >/dev/null`;
      per = 6;
    }
    const t = process.hrtime.bigint();
    const r = spawnSync('/usr/bin/time', ['-f', 'cpu %U %S', 'sh', '-c', cmd], { cwd, encoding: 'utf8' });
    const ms = Number(process.hrtime.bigint() - t) / 1e6;
    if (r.status !== 0) throw new Error(`${cmd} exited ${r.status}\n${r.stderr}`);
    const [, u, s] = /cpu (\S+) (\S+)\s*$/.exec(r.stderr) ?? [];
    res[bin].w.push(ms / per);
    res[bin].c.push(((Number(u) + Number(s)) * 1000) / per);
    if (mode === 'exp') rmSync(cwd, { recursive: true, force: true });
  }
}
const med = (x) => [...x].sort((a, b) => a - b)[x.length >> 1];
for (const [bin, { w, c }] of Object.entries(res)) {
  console.log(`${bin}: wall median ${med(w).toFixed(0)} ms (min ${Math.min(...w).toFixed(0)}), CPU median ${med(c).toFixed(0)} ms (min ${Math.min(...c).toFixed(0)})${mode === 'exp' ? ' per experiment' : ''}`);
}
