#!/usr/bin/env node
// Fault injection, the full run: `node bench/faults.mjs --kills 1000 --seed 7 [--parallel 2] [--dir DIR] [--ops push,pull]`
// (--ops: only these operations, of repro, add, checkout, push, pull, gc).
// SIGKILLs random operations (see bench/lib/faults.mjs), prints one line per trial and a summary
// (JSON on the last line); failed repositories are kept under DIR/failures. Figures go in
// docs/RELIABILITY.md ("Fault injection"). Build first: `npm run build`.
import { loadavg, cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { OPERATIONS, runFaults } from './lib/faults.mjs';
import { repo } from './lib/harness.mjs';

const { values } = parseArgs({
  options: {
    kills: { type: 'string', default: '1000' },
    seed: { type: 'string', default: '1' },
    parallel: { type: 'string', default: '1' },
    dir: { type: 'string', default: join(tmpdir(), `pipe-faults-${process.pid}`) },
    bin: { type: 'string', default: join(repo, 'bin', 'pipe.js') },
    ops: { type: 'string' },
  },
});
const kills = Number(values.kills);
const ops = values.ops?.split(',');
for (const op of ops ?? []) if (!OPERATIONS.includes(op)) throw new Error(`--ops takes some of ${OPERATIONS.join(', ')}, not '${op}'`);
const seed = Number(values.seed);
const parallel = Math.min(2, Number(values.parallel));
const started = Date.now();
const loads = [];
process.stderr.write(`fault injection: ${kills} kills, seed ${seed}, parallel ${parallel}, in ${values.dir}\n`);
const tally = await runFaults({
  bin: values.bin,
  base: values.dir,
  seed,
  kills,
  parallel,
  ...(ops ? { ops } : {}),
  onTrial: (t, sum) => {
    loads.push(loadavg()[0]);
    const verdict = !t.landed ? 'missed' : t.problems.length ? `CORRUPT: ${t.problems.join(' ;; ')}` : 'ok';
    process.stdout.write(`${String(sum.landed).padStart(5)} #${t.trial} w${t.worker} ${t.op} ${t.kind} @${t.delay}ms ${verdict}\n`);
  },
});
const seconds = Math.round((Date.now() - started) / 1000);
const summary = {
  command: `node bench/faults.mjs --kills ${kills} --seed ${seed} --parallel ${parallel}${values.ops ? ` --ops ${values.ops}` : ''}`,
  seed,
  kills: tally.landed,
  missed: tally.missed,
  corrupt: tally.corrupt,
  byOp: tally.byOp,
  byKind: tally.byKind,
  seconds,
  machine: `${cpus().length} cores, Node ${process.versions.node}`,
  load: { mean: +(loads.reduce((a, b) => a + b, 0) / Math.max(1, loads.length)).toFixed(1), max: +Math.max(0, ...loads).toFixed(1) },
  failures: tally.failures.map((f) => ({ trial: f.trial, op: f.op, kind: f.kind, delay: f.delay, kept: f.kept, problems: f.problems })),
};
process.stdout.write(`${JSON.stringify(summary)}\n`);
process.exitCode = tally.corrupt ? 1 : 0;
