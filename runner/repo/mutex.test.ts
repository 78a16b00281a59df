import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../../test/helpers/temp-dir.js';
import { waitUntil } from '../../test/helpers/wait-until.js';
import { isLive } from '../../test/helpers/processes.js';
import { acquireMutex } from './mutex.js';

/** Where a mutex goes, in a fresh directory that already exists (as .pipe/tmp/ would). */
const file = () => join(tempDir('pipe-mutex-'), 'repro.mutex');
/** A process that is certainly alive and is not this one: the worker's parent. */
const LIVE = process.ppid;
const deadPid = () => spawnSync(process.execPath, ['-e', '0']).pid as number;
const hold = (f: string, holder: { pid: number; host?: string; command?: string }) =>
  writeFileSync(f, JSON.stringify({ host: hostname(), command: 'pipe repro train', started: 'then', ...holder }));

/** A stage left running: a `sleep` in a process group of its own, killed once `body` is done. */
async function withOrphan(body: (pid: number) => Promise<void>, env: Record<string, string> = {}): Promise<void> {
  const stage = spawn('sleep', ['600'], { detached: true, stdio: 'ignore', env: { ...process.env, ...env } });
  try {
    await body(stage.pid as number);
  } finally {
    stage.kill('SIGKILL');
  }
}

describe('acquireMutex', () => {
  it('creates the mutex file (and its directory) naming this process and its command, and release() removes it', async () => {
    const f = join(tempDir('pipe-mutex-'), 'tmp', 'repro.mutex');
    const m = await acquireMutex({ file: f, command: 'pipe repro', waitSeconds: 0 });
    expect(JSON.parse(readFileSync(f, 'utf8'))).toMatchObject({ pid: process.pid, host: hostname(), command: 'pipe repro' });
    m.release();
    expect(existsSync(f)).toBe(false);
  });

  it('fails (MUTEX_BUSY) naming the live holder and its command once the wait is over', async () => {
    const f = file();
    hold(f, { pid: LIVE });
    await expect(acquireMutex({ file: f, command: 'pipe repro', waitSeconds: 0 })).rejects.toMatchObject({
      code: 'MUTEX_BUSY',
      data: { pid: LIVE, command: 'pipe repro train', waitedSeconds: 0 },
      message: expect.stringContaining(`pid ${LIVE} (pipe repro train), since then; waited 0s. Wait for it to finish or raise --wait`),
    });
  });

  it('waits for a live holder, saying so once, and gets the mutex as soon as the holder lets go', async () => {
    const f = file();
    hold(f, { pid: LIVE });
    const waits: number[] = [];
    const acquiring = acquireMutex({ file: f, command: 'pipe repro', waitSeconds: 600, onWait: (h) => waits.push(h.pid) });
    await waitUntil(() => waits.length > 0, 'onWait');
    rmSync(f);
    const m = await acquiring;
    expect(waits).toEqual([LIVE]);
    expect(JSON.parse(readFileSync(f, 'utf8'))).toMatchObject({ pid: process.pid });
    m.release();
  });

  it('stops waiting with INTERRUPTED when the signal aborts', async () => {
    const f = file();
    hold(f, { pid: LIVE });
    const abort = new AbortController();
    let waiting = false;
    const acquiring = acquireMutex({ file: f, command: 'pipe repro', waitSeconds: 600, signal: abort.signal, onWait: () => (waiting = true) });
    await waitUntil(() => waiting, 'onWait');
    abort.abort();
    await expect(acquiring).rejects.toMatchObject({ code: 'INTERRUPTED' });
    expect(JSON.parse(readFileSync(f, 'utf8'))).toMatchObject({ pid: LIVE });
  });

  it('takes over a mutex left by a dead process on this host, without waiting', async () => {
    const f = file();
    hold(f, { pid: deadPid() });
    const m = await acquireMutex({ file: f, command: 'pipe repro', waitSeconds: 0 });
    expect(JSON.parse(readFileSync(f, 'utf8'))).toMatchObject({ pid: process.pid });
    m.release();
    expect(existsSync(f)).toBe(false);
  });

  it("never takes over a holder on another host (a shared filesystem), whose pid cannot be probed from here", async () => {
    const f = file();
    hold(f, { pid: deadPid(), host: `not-${hostname()}` });
    const busy = acquireMutex({ file: f, command: 'pipe repro', waitSeconds: 0 });
    // The refusal names the machine and the way out, since no process here can tell whether that one runs.
    await expect(busy).rejects.toMatchObject({ code: 'MUTEX_BUSY', data: { host: `not-${hostname()}` } });
    await expect(busy).rejects.toThrow(
      new RegExp(`^another pipe process holds this repository: pid \\d+ on not-${hostname()} \\(pipe repro train\\), since then; waited 0s\\. pipe cannot see another machine's processes: if it no longer runs on not-${hostname()}, remove ${f.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} and run again$`),
    );
    expect(existsSync(f)).toBe(true);
    const inRepo = join(tempDir('pipe-mutex-repo-'), '.pipe', 'tmp', 'repro.mutex');
    mkdirSync(dirname(inRepo), { recursive: true });
    hold(inRepo, { pid: deadPid(), host: 'build-07' });
    // Named in full: the user may be anywhere in the repository.
    await expect(acquireMutex({ file: inRepo, command: 'pipe repro', waitSeconds: 0 })).rejects.toThrow(`if it no longer runs on build-07, remove ${inRepo} and run again`);
  });

  it('treats an empty mutex file as a contender still writing it, until it is old enough to be a dead one', async () => {
    const f = file();
    writeFileSync(f, '');
    await expect(acquireMutex({ file: f, command: 'pipe repro', waitSeconds: 0 })).rejects.toMatchObject({ code: 'MUTEX_BUSY' });
    const old = new Date(Date.now() - 60_000);
    utimesSync(f, old, old);
    const m = await acquireMutex({ file: f, command: 'pipe repro', waitSeconds: 0 });
    m.release();
  });

  it("release() leaves another holder's mutex alone", async () => {
    const f = file();
    const held = await acquireMutex({ file: f, command: 'pipe repro', waitSeconds: 0 });
    hold(f, { pid: LIVE });
    held.release();
    expect(JSON.parse(readFileSync(f, 'utf8'))).toMatchObject({ pid: LIVE });
  });

  it('records the process groups of running stages, and drops each when it ends', async () => {
    const f = file();
    const m = await acquireMutex({ file: f, command: 'pipe repro', waitSeconds: 0 });
    m.stageStarted(LIVE);
    m.stageStarted(process.pid);
    expect(JSON.parse(readFileSync(f, 'utf8')).stages.map((g: { pgid: number }) => g.pgid)).toEqual([LIVE, process.pid]);
    m.stageEnded(LIVE);
    expect(JSON.parse(readFileSync(f, 'utf8'))).toMatchObject({ pid: process.pid, stages: [{ pgid: process.pid }] });
    m.release();
    expect(existsSync(f)).toBe(false);
  });

  it("stops the stages a dead holder left running before taking over, and says so", async () => {
    const f = file();
    await withOrphan(async (pid) => {
      const holder = deadPid();
      hold(f, { pid: holder, stages: [{ pgid: pid }] } as never);
      const notices: string[] = [];
      const m = await acquireMutex({ file: f, command: 'pipe repro', waitSeconds: 0, onNotice: (t) => notices.push(t) });
      expect(isLive(pid)).toBe(false);
      expect(notices).toEqual([`stopped 1 stage process left by a killed pipe (pid ${holder})`]);
      expect(readdirSync(dirname(f))).toEqual(['repro.mutex']);
      m.release();
    });
  });

  it('finishes the takeover of a contender that died while stopping a dead holder\'s stages', async () => {
    const f = file();
    await withOrphan(async (pid) => {
      // The contender renamed the dead holder's file away (it won the takeover), then died.
      hold(`${f}.stale.${deadPid()}`, { pid: deadPid(), stages: [{ pgid: pid }] } as never);
      const m = await acquireMutex({ file: f, command: 'pipe repro', waitSeconds: 0, onNotice: () => {} });
      expect(isLive(pid)).toBe(false);
      expect(readdirSync(dirname(f))).toEqual(['repro.mutex']);
      m.release();
    });
  });

  it('stops the processes of a dead run that it had not recorded yet (found by the PIPE_RUN mark in their environment)', async () => {
    const f = file();
    await withOrphan(
      async (pid) => {
        hold(f, { pid: deadPid(), run: 'feedc0de', stages: [] } as never);
        const m = await acquireMutex({ file: f, command: 'pipe repro', waitSeconds: 0, onNotice: () => {} });
        expect(isLive(pid)).toBe(false);
        expect(m.stageEnv.PIPE_RUN).toMatch(/^[0-9a-f]{16}$/);
        expect(m.stageEnv.PIPE_RUN).not.toBe('feedc0de');
        m.release();
      },
      { PIPE_RUN: 'feedc0de' },
    );
  });

  it("removes the temp files of dead pipe processes, and leaves a live one's and the user's alone", async () => {
    const root = tempDir('pipe-mutex-');
    const dead = deadPid();
    const files = {
      [`.data.lock.${dead}.0123abcd.tmp`]: true,
      [`.pipe/tmp/state/.paths.json.${dead}.89abcdef.tmp`]: true,
      [`.pipe/tmp/repro.mutex.${dead}.tmp`]: true,
      [`.pipe/cache/tmp/${dead}-0a1b2c3d4e5f`]: true,
      [`.data.lock.${LIVE}.0123abcd.tmp`]: false,
      [`${dead}-0a1b2c3d4e5f`]: false,
      'notes.tmp': false,
    };
    for (const rel of Object.keys(files)) {
      mkdirSync(dirname(join(root, rel)), { recursive: true });
      writeFileSync(join(root, rel), 'x');
    }
    const m = await acquireMutex({ file: join(root, '.pipe/tmp/repro.mutex'), command: 'pipe repro', waitSeconds: 0 });
    m.release();
    for (const [rel, removed] of Object.entries(files)) expect(existsSync(join(root, rel)), rel).toBe(!removed);
  });

  it('after taking over from a dead holder, also removes its temp files beside the cache\'s objects and run records', async () => {
    const root = tempDir('pipe-mutex-');
    const dead = deadPid();
    const record = `.pipe/cache/runs/a1/.${'d2'.repeat(31)}`;
    const files = {
      [`.pipe/cache/files/sha256/8d/.tmp-${dead}-3-2`]: true,
      [`${record}.${dead}.a3ff7ccf.tmp`]: true,
      [`${record}.${LIVE}.a3ff7ccf.tmp`]: false,
      [`.pipe/cache/runs/a1/${'d2'.repeat(31)}`]: false,
    };
    for (const rel of Object.keys(files)) {
      mkdirSync(dirname(join(root, rel)), { recursive: true });
      writeFileSync(join(root, rel), 'x');
    }
    const f = join(root, '.pipe/tmp/repro.mutex');
    mkdirSync(dirname(f), { recursive: true });
    hold(f, { pid: dead });
    const m = await acquireMutex({ file: f, command: 'pipe repro', waitSeconds: 0 });
    m.release();
    for (const [rel, removed] of Object.entries(files)) expect(existsSync(join(root, rel)), rel).toBe(!removed);
  });
});
