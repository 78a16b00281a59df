/** @module `pipe repro -j N`: independent stages run at the same time (timing tests, so not run concurrently). */
import { afterAll, describe, expect, it } from 'vitest';
import { makeRepo, removeRepos, type Repo } from '../helpers/repo.js';

afterAll(removeRepos);

function twoSleepers(): Repo {
  const repo = makeRepo();
  repo.stages({
    left: { cmd: 'sleep 1 && echo > left.txt', outs: ['left.txt'] },
    right: { cmd: 'sleep 1 && echo > right.txt', outs: ['right.txt'] },
  });
  return repo;
}

describe('parallel stages', () => {
  // An upper bound on wall time can only be missed by a loaded machine, never passed by a serial runner
  // (which needs >= 2 s), so a retry does not hide a missing feature.
  it('-j 2 runs two independent 1 s stages at once (< 1.8 s wall)', { retry: 2 }, async () => {
    const repo = twoSleepers();
    const r = await repo.pipe(['repro', '-j', '2']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/2 stages ran/);
    expect(r.ms).toBeLessThan(1800);
  });

  it('-j 1 runs them one after the other (>= 2 s wall)', async () => {
    const repo = twoSleepers();
    const r = await repo.pipe(['repro', '-j', '1']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.ms).toBeGreaterThanOrEqual(2000);
    // One at a time: the second stage starts only after the first is done.
    expect(r.stdout).toMatch(/^(left|right): running because.*\n\1: done in.*\n(left|right): running because/m);
  });
});
