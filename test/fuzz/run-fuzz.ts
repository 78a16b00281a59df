/**
 * @module One fuzzing worker for bench/fuzz.mjs: runs N fuzzed files of one format through
 * pipe's code in-process and prints one JSON line of outcomes. Before each case the fuzzed file
 * is on disk in the worker's repository, so a parent that kills a hung worker still has the file.
 *
 *   node --import tsx test/fuzz/run-fuzz.ts --format params --runs 1000 --seed 7 --dir DIR
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import fc from 'fast-check';
import { TARGETS, runCase, type FormatName } from './targets.js';

const { values } = parseArgs({
  options: {
    format: { type: 'string' },
    runs: { type: 'string', default: '1000' },
    seed: { type: 'string', default: '1' },
    dir: { type: 'string' },
    'max-keys': { type: 'string', default: '50000' },
    'max-depth': { type: 'string', default: '5000' },
  },
});
const target = TARGETS.find((t) => t.name === (values.format as FormatName));
if (!target || !values.dir) throw new Error(`usage: --format ${TARGETS.map((t) => t.name).join('|')} --dir DIR [--runs N] [--seed N]`);
const root = values.dir;
mkdirSync(root, { recursive: true });
target.setup(root);

const runs = Number(values.runs);
const seed = Number(values.seed);
const scale = { maxKeys: Number(values['max-keys']), maxDepth: Number(values['max-depth']) };
const codes: Record<string, number> = {};
const exits: Record<string, number> = {};
const crashes: { error: string; file: string }[] = [];
let ok = 0;
let slowest = 0;
let maxRss = 0;
const CHUNK = 200;
for (let done = 0; done < runs; ) {
  const texts = fc.sample(target.arbitrary(scale), { seed: seed * 1_000_003 + done, numRuns: Math.min(CHUNK, runs - done) });
  for (const text of texts) {
    const started = performance.now();
    try {
      const o = await runCase(target, root, text);
      if (o.kind === 'ok') ok++;
      else {
        codes[o.code] = (codes[o.code] ?? 0) + 1;
        exits[o.exit] = (exits[o.exit] ?? 0) + 1;
      }
    } catch (err) {
      // Keep the first few files of each run for replay; count the rest.
      const file = join(root, `crash-${Math.min(crashes.length, 20)}.txt`);
      if (crashes.length <= 20) writeFileSync(file, text);
      crashes.push({ error: String((err as Error)?.stack ?? err).split('\n').slice(0, 4).join(' | '), file });
    }
    slowest = Math.max(slowest, performance.now() - started);
    maxRss = Math.max(maxRss, process.memoryUsage().rss);
    done++;
    // A heartbeat per file: the parent's hang watchdog times each file, not a batch.
    process.stderr.write(`${done}\n`);
  }
}
process.stdout.write(`${JSON.stringify({ format: target.name, runs, ok, refused: codes, exits, crashes, slowestMs: Math.round(slowest), maxRssMb: Math.round(maxRss / 2 ** 20) })}\n`);
