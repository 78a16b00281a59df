/**
 * @module Fault injection, bounded for CI: a fixed seed, 16 SIGKILLs of the runner or of its
 * whole process tree during repro, add, checkout, push, pull and gc, each followed by the same
 * command again, repro, status and a check of every object, data.lock, the workspace, temp files
 * and stray stage processes (bench/lib/faults.mjs). `node bench/faults.mjs --kills 1000` is the
 * full run (docs/RELIABILITY.md).
 */
import { describe, expect, it } from 'vitest';
// @ts-expect-error -- a plain ESM module shared with bench/faults.mjs
import { runFaults } from '../../bench/lib/faults.mjs';
import { PIPE_BIN } from '../helpers/pipe.js';
import { tempDir } from '../helpers/temp-dir.js';

/**
 * Sized by count. Each kill costs 3–4 pipe runs: 24 kills took 335 s at load 19 on 2 cores
 * (~14 s a kill, next to the full run's two workers), so 16 keep it near 2 minutes only on a
 * machine that is not saturated.
 */
const KILLS = 16;

interface Trial {
  trial: number;
  op: string;
  kind: string;
  delay: number;
  problems: string[];
}

describe('fault injection', () => {
  it(`${KILLS} random SIGKILLs leave no corrupt state: objects, data.lock, workspace, temp files, processes`, { timeout: 900_000 }, async () => {
    const seen: Trial[] = [];
    const tally = (await runFaults({ bin: PIPE_BIN, base: tempDir('pipe-faults-'), seed: 13, kills: KILLS, parallel: 1, onTrial: (t: Trial) => seen.push(t) })) as {
      landed: number;
      corrupt: number;
      byOp: Record<string, unknown>;
    };
    const corrupt = seen.filter((t) => t.problems.length).map((t) => `#${t.trial} ${t.op} ${t.kind} @${t.delay}ms: ${t.problems.join('; ')}`);
    expect(corrupt).toEqual([]);
    expect(tally.landed).toBe(KILLS);
    // The seed reaches several operations, so the run is not one op's luck.
    expect(Object.keys(tally.byOp).length).toBeGreaterThanOrEqual(4);
  });
});
