/** @module Ctrl-C during `pipe repro`: exit 130, the stage's process group is gone, data.lock stays consistent, the next run resumes. */
import { afterAll, describe, expect, it } from 'vitest';
import { liveMembers } from '../helpers/processes.js';
import { countRun, makeRepo, removeRepos } from '../helpers/repo.js';
import { waitUntil } from '../helpers/wait-until.js';

afterAll(removeRepos);

describe('Ctrl-C', () => {
  it('stops the running stage without waiting for it, exits 130, keeps data.lock consistent, and the next repro finishes the run', async () => {
    const repo = makeRepo({ 'in.txt': 'x\n' });
    repo.stages({
      first: { cmd: `${countRun('first')} && cp in.txt first.txt`, deps: ['in.txt'], outs: ['first.txt'] },
      // $$ is the stage's shell, the leader of the stage's process group. The stage never ends on
      // its own until the test creates `go`: a pipe that waited for it instead of stopping it would hang.
      slow: {
        cmd: `${countRun('slow')} && echo $$ > slow.pgid && while [ ! -f go ]; do sleep 0.05; done && cp first.txt slow.txt`,
        deps: ['first.txt'],
        outs: ['slow.txt'],
      },
    });
    const p = repo.start(['repro']);
    await p.waitForStdout(/^slow: running because/m);
    await waitUntil(() => repo.exists('slow.pgid') && repo.read('slow.pgid').endsWith('\n'), 'the stage to write slow.pgid');
    const pgid = Number(repo.read('slow.pgid').trim());
    expect(liveMembers(pgid).length).toBeGreaterThan(0);

    p.child.kill('SIGINT');
    const r = await p.done;
    expect(r.code, r.stderr).toBe(130);
    expect(r.stderr).toMatch(/interrupted/);
    expect(repo.exists('go')).toBe(false);

    // The stage's whole process group (the shell and its sleep) is gone.
    await waitUntil(() => liveMembers(pgid).length === 0, `process group ${pgid} to exit`);

    // data.lock parses; the finished stage is locked, the interrupted one has no entry.
    const lock = repo.lock();
    expect(lock.schema).toBe(1);
    expect(Object.keys(lock.stages)).toEqual(['first']);
    expect(repo.exists('slow.txt')).toBe(false);
    expect(repo.exists('.pipe/tmp/repro.mutex')).toBe(false);

    repo.write('go', '');
    const next = await repo.pipe(['repro']);
    expect(next.code, next.stderr).toBe(0);
    expect(next.stdout).toMatch(/^first: skipped \(up to date\)$/m);
    expect(next.stdout).toMatch(/^slow: running because/m);
    expect(Object.keys(repo.lock().stages).sort()).toEqual(['first', 'slow']);
    expect(repo.count('first')).toBe(1);
    expect(repo.read('slow.txt')).toBe('x\n');
  });

  it('Ctrl-C while waiting for another run to release the repository stops the waiting run (exit 130, nothing runs)', async () => {
    const repo = makeRepo();
    repo.stages({ hold: { cmd: `${countRun('hold')} && while [ ! -f go ]; do sleep 0.05; done && echo > hold.txt`, outs: ['hold.txt'] } });
    const holder = repo.start(['repro']);
    let waiter: ReturnType<typeof repo.start> | undefined;
    try {
      await holder.waitForStdout(/^hold: running because/m);
      // Long enough that only Ctrl-C can end the wait: running out of it would exit 1, not 130.
      const w = repo.start(['repro', '-f', '--wait', '600']);
      waiter = w;
      await waitUntil(() => /waiting for pipe process/.test(w.stderr()), 'the second run to start waiting');
      expect(w.stderr()).toMatch(new RegExp(`waiting for pipe process ${holder.pid}`));
      w.child.kill('SIGINT');
      // The holder still holds the repository: the waiting run must stop on the signal alone.
      const r = await w.done;
      expect(r.code, r.stdout + r.stderr).toBe(130);
      expect(r.stdout).not.toMatch(/running because/);
    } finally {
      repo.write('go', '');
      waiter?.child.kill('SIGKILL');
    }
    expect((await holder.done).code).toBe(0);
    // Only the holder ran the stage; the interrupted run did not force it again.
    expect(repo.count('hold')).toBe(1);
  });
});
