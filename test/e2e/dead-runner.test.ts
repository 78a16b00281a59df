/** @module A pipe killed mid-run (SIGKILL, a CI runner torn down): what the next run finds and must put right. */
import { rmSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { isLive } from '../helpers/processes.js';
import { countRun, makeRepo, ok, removeRepos } from '../helpers/repo.js';
import { tempDir } from '../helpers/temp-dir.js';
import { waitUntil } from '../helpers/wait-until.js';

afterAll(removeRepos);

function killGroup(pgid: number): void {
  try {
    process.kill(-pgid, 'SIGKILL');
  } catch {
    // already gone
  }
}

describe('a SIGKILLed runner', () => {
  it('leaves its running stage behind; the next run stops it before touching its outs, and says so', async () => {
    const repo = makeRepo();
    // The first run's stage records its shell's pid (its process group) and never ends; once `second` exists, a run finishes at once.
    repo.stages({
      work: { cmd: 'if [ -f second ]; then echo done > out.txt; else echo $$ > orphan.pid; while true; do sleep 0.05; done; fi', outs: ['out.txt'] },
    });
    const first = repo.start(['repro']);
    await first.waitForStdout(/^work: running because/m);
    await waitUntil(() => repo.exists('orphan.pid') && repo.read('orphan.pid').endsWith('\n'), 'the stage to start');
    const orphan = Number(repo.read('orphan.pid'));
    // The runner records the stage's process group as it spawns it; a kill in between (microseconds) is not what this test is about.
    await waitUntil(() => repo.read('.pipe/tmp/repro.mutex').includes(`"pgid":${orphan}`), 'the runner to record the stage');
    first.child.kill('SIGKILL');
    await first.done;
    try {
      expect(isLive(orphan), 'the stage runs in its own process group, so it outlives its runner').toBe(true);
      repo.write('second', '');
      const r = await repo.pipe(['repro', '--wait', '0']);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stderr).toContain(`stopped 1 stage process left by a killed pipe (pid ${first.pid})`);
      expect(isLive(orphan)).toBe(false);
      expect(repo.read('out.txt')).toBe('done\n');
      expect(repo.exists('.pipe/tmp/repro.mutex')).toBe(false);
    } finally {
      killGroup(orphan);
    }
  });

  it('killed while its stage runs with an empty cache: the outs the stage finished on its own are stored by the next repro, not skipped', async () => {
    const repo = makeRepo();
    repo.stages({ work: { cmd: `${countRun('work')} && while [ ! -f go ]; do sleep 0.05; done && echo result > out.txt`, outs: ['out.txt'] } });
    const started = () => repo.count('work');
    repo.write('go', '');
    await ok(repo, ['repro']);
    // A fresh clone: data.lock and the outs' bytes, no cache.
    rmSync(repo.path('.pipe/cache'), { recursive: true, force: true });
    rmSync(repo.path('out.txt'));
    rmSync(repo.path('go'));
    const killed = repo.start(['repro']);
    await waitUntil(() => started() === 2, 'the stage to start');
    killed.child.kill('SIGKILL');
    await killed.done;
    // The stage, alone now, finishes: the same bytes data.lock names.
    repo.write('go', '');
    await waitUntil(() => repo.exists('out.txt') && repo.read('out.txt') === 'result\n', 'the orphaned stage to finish');

    const st = await repo.pipe(['status']);
    expect(st.code, st.stderr).toBe(0);
    expect(st.stdout).toMatch(/work: .*\n\s+out out\.txt is not in the cache/);
    const r = await ok(repo, ['repro']);
    expect(r.stdout).toMatch(/^work: stored its outs in the cache \(out out\.txt is not in the cache\), not run$/m);
    expect(repo.count('work')).toBe(2);
    expect((await ok(repo, ['status'])).stdout).toMatch(/Everything is up to date/);
    await ok(repo, ['remote', 'add', 'store', tempDir(), '--default']);
    await ok(repo, ['push']);
  });

  it('an out switched from cache: false to cached is stored by the next repro without running the stage', async () => {
    const repo = makeRepo();
    repo.stages({ work: { cmd: `${countRun('work')} && echo result > out.txt`, outs: [{ 'out.txt': { cache: false } }] } });
    await ok(repo, ['repro']);
    // The run-cache keeps a copy of an out that is not cached; without it (a lock made before that, an emptied cache) the object is missing.
    rmSync(repo.path('.pipe/cache'), { recursive: true, force: true });
    repo.stages({ work: { cmd: `${countRun('work')} && echo result > out.txt`, outs: ['out.txt'] } });
    expect((await ok(repo, ['status'])).stdout).toMatch(/out out\.txt is not in the cache/);
    await ok(repo, ['repro']);
    expect(repo.count('work')).toBe(1);
    expect((await ok(repo, ['status'])).stdout).toMatch(/Everything is up to date/);
    await ok(repo, ['remote', 'add', 'store', tempDir(), '--default']);
    await ok(repo, ['push']);
  });
});
