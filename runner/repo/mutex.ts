/** @module The repository mutex: one writer of data.lock at a time; a dead holder's mutex is taken over. */
import { closeSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, statSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { dirname } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { PipeError } from '../errors.js';

interface Holder {
  pid: number;
  host: string;
  command: string;
  started: string;
}

export interface Mutex {
  release(): void;
}

export interface AcquireOptions {
  readonly file: string;
  readonly command: string;
  /** How long to wait for a live holder, in seconds. */
  readonly waitSeconds: number;
  /** Called once when we start waiting, to tell the user why nothing happens. */
  readonly onWait?: (holder: Holder) => void;
  /** Stops waiting (Ctrl-C): the promise rejects with INTERRUPTED. */
  readonly signal?: AbortSignal;
}

const POLL_MS = 100;

export async function acquireMutex({ file, command, waitSeconds, onWait, signal }: AcquireOptions): Promise<Mutex> {
  mkdirSync(dirname(file), { recursive: true });
  const me: Holder = { pid: process.pid, host: hostname(), command, started: new Date().toISOString() };
  const deadline = Date.now() + waitSeconds * 1000;
  let told = false;
  for (;;) {
    if (signal?.aborted) throw interrupted();
    if (tryCreate(file, me)) return { release: () => release(file) };
    const holder = readHolder(file);
    if (!holder || isDead(holder)) {
      // Take over by renaming the stale file away: only one contender's rename succeeds.
      const stale = `${file}.stale.${process.pid}`;
      try {
        renameSync(file, stale);
        rmSync(stale, { force: true });
      } catch {
        // Someone else took it over first; loop and look again.
      }
      continue;
    }
    if (Date.now() >= deadline) {
      throw new PipeError(
        'MUTEX_BUSY',
        `another pipe process holds this repository: pid ${holder.pid} (${holder.command}), since ${holder.started}; waited ${waitSeconds}s. Wait for it to finish or raise --wait`,
        { pid: holder.pid, command: holder.command, waitedSeconds: waitSeconds },
      );
    }
    if (!told) {
      onWait?.(holder);
      told = true;
    }
    await sleep(POLL_MS, undefined, { signal }).catch(() => undefined);
  }
}

function interrupted(): PipeError<'INTERRUPTED'> {
  return new PipeError('INTERRUPTED', 'interrupted while waiting for the repository; nothing ran', { signal: 'SIGINT' });
}

function tryCreate(file: string, me: Holder): boolean {
  let fd: number;
  try {
    fd = openSync(file, 'wx');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw err;
  }
  try {
    writeSync(fd, JSON.stringify(me));
  } finally {
    closeSync(fd);
  }
  return true;
}

function readHolder(file: string): Holder | undefined {
  try {
    const h = JSON.parse(readFileSync(file, 'utf8')) as Holder;
    return typeof h.pid === 'number' ? h : undefined;
  } catch (err) {
    // Written but not yet filled by a contender that is alive right now: treat as busy for a moment.
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    // Empty for longer than a contender needs to fill it: its creator died in between.
    if (ageMs(file) > 2000) return undefined;
    return { pid: -1, host: hostname(), command: '(starting)', started: new Date().toISOString() };
  }
}

function isDead(h: Holder): boolean {
  if (h.pid === -1) return false;
  // A holder on another host (shared filesystem) cannot be probed: only trust our own host.
  if (h.host !== hostname()) return false;
  if (h.pid === process.pid) return true;
  try {
    process.kill(h.pid, 0);
    return false;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

function ageMs(file: string): number {
  try {
    return Date.now() - statSync(file).mtimeMs;
  } catch {
    return 0;
  }
}

function release(file: string): void {
  try {
    const h = JSON.parse(readFileSync(file, 'utf8')) as Holder;
    if (h.pid === process.pid) rmSync(file, { force: true });
  } catch {
    // Already gone.
  }
}
