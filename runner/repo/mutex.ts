/** @module The repository mutex: one writer of data.lock at a time; a dead holder's mutex is taken over. */
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { PipeError } from '../errors.js';
import { groupsOfRun, isProcessLive, RUN_ENV, stageGroup, stopGroup, type StageGroup } from '../exec/process-group.js';
import { sweepTemps } from './sweep-temps.js';
import { createExclusive } from '../fs/create-exclusive.js';

interface Holder {
  pid: number;
  host: string;
  command: string;
  started: string;
  /** The process groups of the stages this holder is running (their own groups: they outlive a SIGKILLed pipe). */
  stages?: StageGroup[];
  /** The value of PIPE_RUN in its stages' environment (exec/process-group.ts). */
  run?: string;
}

export interface Mutex {
  release(): void;
  /**
   * Records a stage's process group (its leader's pid) in the holder file, so that whoever takes
   * over the mutex after this process dies stops the stage before touching its outs.
   */
  stageStarted(pid: number): void;
  stageEnded(pid: number): void;
  /** Environment for the stages: marks their processes as this run's. */
  readonly stageEnv: Readonly<Record<string, string>>;
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
  /** Told when stages left running by a dead holder were stopped (default: a line on stderr). */
  readonly onNotice?: (text: string) => void;
}

const POLL_MS = 100;

export async function acquireMutex({ file, command, waitSeconds, onWait, signal, onNotice = stderrNotice }: AcquireOptions): Promise<Mutex> {
  mkdirSync(dirname(file), { recursive: true });
  const me: Holder = { pid: process.pid, host: hostname(), command, started: new Date().toISOString(), run: randomBytes(8).toString('hex') };
  const deadline = Date.now() + waitSeconds * 1000;
  let told = false;
  let sawDead = false;
  for (;;) {
    if (signal?.aborted) throw interrupted();
    if (tryCreate(file, me)) {
      // A contender may still be stopping a dead holder's stages (or have died doing it): not before they are gone.
      const tookOver = await settleTakeovers(file, onNotice);
      const root = rootOf(file);
      if (root) sweepTemps(root, { objects: tookOver || sawDead });
      return holding(file, me);
    }
    const holder = readHolder(file);
    if (!holder || isDead(holder)) {
      // Take over by renaming the stale file away: only one contender's rename succeeds, and it
      // stops the dead holder's stages before anyone starts work (see settleTakeovers).
      const stale = `${file}.stale.${process.pid}`;
      let won = false;
      try {
        renameSync(file, stale);
        won = true;
      } catch {
        // Someone else took it over first; loop and look again.
      }
      if (won) await reap(file, stale, onNotice);
      sawDead = true;
      continue;
    }
    if (Date.now() >= deadline) {
      // A holder on another machine (a shared filesystem) is never taken over: only a person can tell it is gone.
      const remedy = elsewhere(holder)
        ? `pipe cannot see another machine's processes: if it no longer runs on ${holder.host}, remove ${file} and run again`
        : 'Wait for it to finish or raise --wait';
      throw new PipeError('MUTEX_BUSY', `another pipe process holds this repository: pid ${describeHolder(holder)}, since ${holder.started}; waited ${waitSeconds}s. ${remedy}`, {
        pid: holder.pid,
        command: holder.command,
        waitedSeconds: waitSeconds,
        ...(elsewhere(holder) ? { host: holder.host } : {}),
      });
    }
    if (!told) {
      onWait?.(holder);
      told = true;
    }
    await sleep(POLL_MS, undefined, { signal }).catch(() => undefined);
  }
}

function holding(file: string, me: Holder): Mutex {
  const stages: StageGroup[] = [];
  // Atomic replace: a contender reads the old record or the new one (nobody renames a live
  // holder's file). No fsync: it would leave the stage unrecorded for a disk flush's time after
  // it started, and a power loss kills the stages too.
  const write = () => {
    const tmp = `${file}.${process.pid}.tmp`;
    writeFileSync(tmp, JSON.stringify({ ...me, stages }));
    renameSync(tmp, file);
  };
  return {
    release: () => release(file),
    stageEnv: { [RUN_ENV]: me.run ?? '' },
    stageStarted(pid) {
      stages.push(stageGroup(pid));
      write();
    },
    stageEnded(pid) {
      const i = stages.findIndex((g) => g.pgid === pid);
      if (i < 0) return;
      stages.splice(i, 1);
      write();
    },
  };
}

/** The repository root of a mutex at `<root>/.pipe/tmp/repro.mutex` (repo/pipe-dir.ts); undefined elsewhere. */
function rootOf(file: string): string | undefined {
  const pipe = dirname(dirname(file));
  return basename(pipe) === '.pipe' ? dirname(pipe) : undefined;
}

function stderrNotice(text: string): void {
  process.stderr.write(`${text}\n`);
}

/** Stops the stages recorded in a dead holder's file (renamed to `stale` by us), then removes it. */
async function reap(file: string, stale: string, onNotice: (text: string) => void): Promise<void> {
  let holder: Holder | undefined;
  try {
    holder = JSON.parse(readFileSync(stale, 'utf8')) as Holder;
  } catch {
    holder = undefined;
  }
  // The recorded groups, and (Linux) any process still marked as that run's: a stage spawned just
  // before its runner died, before its group was recorded.
  const groups = new Map<number, StageGroup>();
  for (const g of Array.isArray(holder?.stages) ? holder.stages : []) if (typeof g?.pgid === 'number' && g.pgid > 1) groups.set(g.pgid, g);
  if (typeof holder?.run === 'string' && holder.run) for (const g of groupsOfRun(holder.run)) if (!groups.has(g.pgid)) groups.set(g.pgid, g);
  let stopped = 0;
  for (const g of groups.values()) if (await stopGroup(g)) stopped++;
  if (stopped) onNotice(`stopped ${stopped} stage process${stopped === 1 ? '' : 'es'} left by a killed pipe (pid ${holder?.pid})`);
  // The dead holder may have died rewriting its record (see holding()).
  if (holder) rmSync(`${file}.${holder.pid}.tmp`, { force: true });
  rmSync(stale, { force: true });
}

/**
 * Waits for contenders that are stopping a dead holder's stages (`<mutex>.stale.<pid>`) to
 * finish; a takeover file whose contender died too is taken over and reaped here.
 */
async function settleTakeovers(file: string, onNotice: (text: string) => void): Promise<boolean> {
  const prefix = `${basename(file)}.stale.`;
  let tookOver = false;
  for (;;) {
    const pending = readdirSync(dirname(file)).filter((n) => n.startsWith(prefix));
    if (pending.length === 0) return tookOver;
    let waiting = false;
    for (const name of pending) {
      const pid = Number.parseInt(name.slice(prefix.length), 10);
      if (pid !== process.pid && isProcessLive(pid)) {
        waiting = true;
        continue;
      }
      const mine = `${file}.stale.${process.pid}.${name.slice(prefix.length)}`;
      try {
        renameSync(join(dirname(file), name), mine);
      } catch {
        continue; // taken by someone else, or finished
      }
      await reap(file, mine, onNotice);
      tookOver = true;
    }
    if (waiting) await sleep(POLL_MS);
  }
}

function interrupted(): PipeError<'INTERRUPTED'> {
  return new PipeError('INTERRUPTED', 'interrupted while waiting for the repository; nothing ran', { signal: 'SIGINT' });
}

function tryCreate(file: string, me: Holder): boolean {
  return createExclusive(file, JSON.stringify(me));
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

/** `N (command)`, the pid with the host when it is not this one. */
export function describeHolder(h: Pick<Holder, 'pid' | 'host' | 'command'>): string {
  return `${h.pid}${elsewhere(h) ? ` on ${h.host}` : ''} (${h.command})`;
}

const elsewhere = (h: Pick<Holder, 'host'>) => h.host !== hostname();

function isDead(h: Holder): boolean {
  if (h.pid === -1) return false;
  // A holder on another host (shared filesystem) cannot be probed: only trust our own host.
  if (elsewhere(h)) return false;
  if (h.pid === process.pid) return true;
  // A zombie holder (killed, not yet reaped by its parent) is dead too.
  return !isProcessLive(h.pid);
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
