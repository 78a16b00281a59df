/** @module The repository mutex: one `pipe repro` at a time; a mutex left by a dead process is taken over. */
import { spawnSync } from 'node:child_process';
import { hostname } from 'node:os';
import { afterAll, describe, expect, it } from 'vitest';
import { countRun, makeRepo, removeRepos } from '../helpers/repo.js';

afterAll(removeRepos);

describe('mutex', () => {
  it('a second repro fails (exit 1) naming the pid of the running one, which then finishes normally', async () => {
    const repo = makeRepo();
    // The stage holds the run open until the test creates `go` (deterministic, no fixed sleep).
    repo.stages({ hold: { cmd: `${countRun('hold')} && while [ ! -f go ]; do sleep 0.05; done && echo > hold.txt`, outs: ['hold.txt'] } });
    const first = repo.start(['repro']);
    try {
      await first.waitForStdout(/^hold: running because/m);
      const second = await repo.pipe(['repro', '--wait', '1']);
      expect(second.code).toBe(1);
      expect(second.stderr).toMatch(new RegExp(`pid ${first.pid}\\b`));
      // It waited (and said so) before giving up, rather than failing at once.
      expect(second.stderr).toMatch(new RegExp(`waiting for pipe process ${first.pid}\\b`));
      expect(second.stderr).toMatch(/waited 1s/);
    } finally {
      repo.write('go', '');
    }
    const r = await first.done;
    expect(r.code, r.stderr).toBe(0);
    expect(repo.count('hold')).toBe(1);
    expect(repo.exists('.pipe/tmp/repro.mutex')).toBe(false);
    // Released: the next run gets in at once.
    const third = await repo.pipe(['repro', '--wait', '0']);
    expect(third.code, third.stderr).toBe(0);
  });

  it('a mutex file left by a dead process is taken over and the run succeeds', async () => {
    const repo = makeRepo();
    repo.stages({ work: { cmd: `${countRun('work')} && echo > work.txt`, outs: ['work.txt'] } });
    const dead = spawnSync(process.execPath, ['-e', '']);
    const deadPid = dead.pid as number;
    repo.write(
      '.pipe/tmp/repro.mutex',
      JSON.stringify({ pid: deadPid, host: hostname(), command: 'pipe repro', started: new Date(Date.now() - 60_000).toISOString() }),
    );
    // --wait 0: a live holder would fail this run at once; the dead one's mutex is taken over without waiting.
    const r = await repo.pipe(['repro', '--wait', '0']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).not.toMatch(/waiting for pipe process/);
    expect(repo.count('work')).toBe(1);
    expect(Object.keys(repo.lock().stages)).toEqual(['work']);
    expect(repo.exists('.pipe/tmp/repro.mutex')).toBe(false);
  });

  it('--dry does not need the mutex', async () => {
    const repo = makeRepo();
    repo.stages({ hold: { cmd: 'while [ ! -f go ]; do sleep 0.05; done && echo > hold.txt', outs: ['hold.txt'] } });
    const first = repo.start(['repro']);
    try {
      await first.waitForStdout(/^hold: running because/m);
      const dry = await repo.pipe(['repro', '--dry', '--wait', '0']);
      expect(dry.code, dry.stderr).toBe(0);
      expect(dry.stdout).toMatch(/^hold: would run because/m);
    } finally {
      repo.write('go', '');
    }
    expect((await first.done).code).toBe(0);
  });
});
