import { spawnSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { tempDir } from '../../test/helpers/temp-dir.js';
import { describe, expect, it } from 'vitest';
import { isPipeError } from '../errors.js';
import { acquireMutex } from './mutex.js';

const file = () => join(tempDir('pipe-mutex-'), 'tmp', 'repro.mutex');

describe('acquireMutex', () => {
  it('fails after the wait with the holder pid and command when a live process holds it', async () => {
    const f = file();
    const held = await acquireMutex({ file: f, command: 'pipe repro', waitSeconds: 0 });
    writeFileSync(f, JSON.stringify({ pid: process.ppid, host: hostname(), command: 'pipe repro train', started: 'then' }));
    const started = Date.now();
    const err = await acquireMutex({ file: f, command: 'pipe repro', waitSeconds: 0.3 }).catch((e: unknown) => e);
    expect(Date.now() - started).toBeGreaterThanOrEqual(250);
    expect(isPipeError(err, 'MUTEX_BUSY')).toBe(true);
    expect((err as Error).message).toContain(`pid ${process.ppid} (pipe repro train)`);
    held.release(); // not ours any more: must leave the other holder's file alone
    expect(existsSync(f)).toBe(true);
  });

  it('takes over a mutex left by a dead process and releases it afterwards', async () => {
    const f = file();
    const dead = spawnSync(process.execPath, ['-e', '0']).pid;
    await acquireMutex({ file: f, command: 'x', waitSeconds: 0 }).then((m) => m.release());
    writeFileSync(f, JSON.stringify({ pid: dead, host: hostname(), command: 'pipe repro', started: 'then' }));
    const m = await acquireMutex({ file: f, command: 'pipe repro', waitSeconds: 0 });
    expect(existsSync(f)).toBe(true);
    m.release();
    expect(existsSync(f)).toBe(false);
  });
});
