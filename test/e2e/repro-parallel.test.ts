/**
 * @module `pipe repro -j N`: independent stages run at the same time. Proven by the intervals the
 * stages record themselves, never by wall time, so a loaded machine cannot fail it.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { makeRepo, removeRepos, type Repo } from '../helpers/repo.js';

afterAll(removeRepos);

/**
 * Two independent stages. Each appends `start NAME NS` to times.log, waits (at most `polls` × 50 ms)
 * until the other one has started, then appends `end NAME NS`. Run together they always overlap,
 * however slow the machine; run one after the other, the first gives up waiting and ends before
 * the second starts.
 */
function twoStages(polls: number): Repo {
  const repo = makeRepo();
  const stage = (name: string, other: string) => ({
    cmd: [
      `echo "start ${name} $(date +%s%N)" >> times.log`,
      `i=0; while [ $i -lt ${polls} ] && ! grep -q "^start ${other} " times.log; do sleep 0.05; i=$((i+1)); done`,
      `echo "end ${name} $(date +%s%N)" >> times.log && echo > ${name}.txt`,
    ].join(' && '),
    outs: [`${name}.txt`],
  });
  repo.stages({ left: stage('left', 'right'), right: stage('right', 'left') });
  return repo;
}

interface Interval {
  start: bigint;
  end: bigint;
}

/** Each stage's [start, end] from times.log, in nanoseconds since the epoch. */
function intervals(repo: Repo): Record<string, Interval> {
  const out: Record<string, Partial<Interval>> = {};
  for (const line of repo.read('times.log').split('\n').filter(Boolean)) {
    const [event, name, ns] = line.split(' ') as ['start' | 'end', string, string];
    (out[name] ??= {})[event] = BigInt(ns);
  }
  for (const [name, i] of Object.entries(out)) expect(i.start !== undefined && i.end !== undefined, `${name} in times.log`).toBe(true);
  return out as Record<string, Interval>;
}

const overlap = (a: Interval, b: Interval) => a.start < b.end && b.start < a.end;

describe('parallel stages', () => {
  it('-j 2 runs two independent stages at once: their recorded intervals overlap', async () => {
    // 20 s of patience: only a serial runner ever waits that long.
    const repo = twoStages(400);
    const r = await repo.pipe(['repro', '-j', '2']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/2 stages ran/);
    const { left, right } = intervals(repo);
    expect(overlap(left as Interval, right as Interval), repo.read('times.log')).toBe(true);
  });

  it('-j 1 runs them one after the other: their recorded intervals do not overlap', async () => {
    // Stages that would meet if run together (2 s of patience): running them serially is what keeps them apart.
    const repo = twoStages(40);
    const r = await repo.pipe(['repro', '-j', '1']);
    expect(r.code, r.stderr).toBe(0);
    const { left, right } = intervals(repo);
    expect(overlap(left as Interval, right as Interval), repo.read('times.log')).toBe(false);
    // One at a time: the second stage starts only after the first is done.
    expect(r.stdout).toMatch(/^(left|right): running because.*\n\1: done in.*\n(left|right): running because/m);
  });
});
