/** @module Ctrl-C during `pipe repro`: exit 130, the stage's process group is gone, data.lock stays consistent, the next run resumes. */
import { readdirSync, readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, describe, expect, it } from 'vitest';
import { countRun, makeRepo, removeRepos } from '../helpers/repo.js';

afterAll(removeRepos);

/** Live (non-zombie) processes whose process group is `pgid`, from /proc. */
function liveMembers(pgid: number): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
    } catch {
      continue;
    }
    // pid (comm) state ppid pgrp …; comm may contain spaces, so split after the last ')'.
    const [state, , pgrp] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (Number(pgrp) === pgid && state !== 'Z') pids.push(Number(entry));
  }
  return pids;
}

describe('Ctrl-C', () => {
  it('stops the running stage, exits 130 quickly, keeps data.lock consistent, and the next repro finishes the run', async () => {
    const repo = makeRepo({ 'in.txt': 'x\n' });
    repo.stages({
      first: { cmd: `${countRun('first')} && cp in.txt first.txt`, deps: ['in.txt'], outs: ['first.txt'] },
      // $$ is the stage's shell, the leader of the stage's process group.
      slow: {
        cmd: `${countRun('slow')} && echo $$ > slow.pgid && sleep \${PIPE_TEST_SLEEP:-30} && cp first.txt slow.txt`,
        deps: ['first.txt'],
        outs: ['slow.txt'],
      },
    });
    const p = repo.start(['repro']);
    await p.waitForStdout(/^slow: running because/m);
    for (let i = 0; i < 100 && !repo.exists('slow.pgid'); i++) await sleep(20);
    await sleep(100); // let the shell reach `sleep`
    const pgid = Number(repo.read('slow.pgid').trim());
    expect(liveMembers(pgid).length).toBeGreaterThan(0);

    const sent = Date.now();
    p.child.kill('SIGINT');
    const r = await p.done;
    expect(r.code, r.stderr).toBe(130);
    expect(Date.now() - sent).toBeLessThan(4000);
    expect(r.stderr).toMatch(/interrupted/);

    // The stage's whole process group (the shell and its sleep) is gone.
    for (let i = 0; i < 50 && liveMembers(pgid).length > 0; i++) await sleep(20);
    expect(liveMembers(pgid)).toEqual([]);

    // data.lock parses; the finished stage is locked, the interrupted one has no entry.
    const lock = repo.lock();
    expect(lock.schema).toBe(1);
    expect(Object.keys(lock.stages)).toEqual(['first']);
    expect(repo.exists('slow.txt')).toBe(false);
    expect(repo.exists('.pipe/tmp/repro.mutex')).toBe(false);

    const next = await repo.pipe(['repro'], { env: { PIPE_TEST_SLEEP: '0' } });
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
      waiter = repo.start(['repro', '-f', '--wait', '10']);
      for (let i = 0; i < 250 && !/waiting for pipe process/.test(waiter.stderr()); i++) await sleep(20);
      expect(waiter.stderr()).toMatch(new RegExp(`waiting for pipe process ${holder.pid}`));
      const sent = Date.now();
      waiter.child.kill('SIGINT');
      // Give the interrupted run time to stop before the repository is released.
      await sleep(500);
      repo.write('go', '');
      const r = await waiter.done;
      expect(r.code, r.stdout + r.stderr).toBe(130);
      expect(Date.now() - sent).toBeLessThan(4000);
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
