/** @module A pipe killed mid-run (SIGKILL, a CI runner torn down): what the next run finds and must put right. */
import { afterAll, describe, expect, it } from 'vitest';
import { isLive } from '../helpers/processes.js';
import { makeRepo, removeRepos } from '../helpers/repo.js';
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
});
