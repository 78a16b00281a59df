/** @module A stage's process group as the repository mutex records it, and stopping one that a killed pipe left running. */
import { readdirSync, readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';

/** What the mutex holder records of a running stage: its process group, and when its leader started (to tell a reused pid). */
export interface StageGroup {
  readonly pgid: number;
  /** /proc/PID/stat's start time (clock ticks after boot) of the group's leader; absent where there is no /proc. */
  readonly start?: string;
}

const HAS_PROC = process.platform === 'linux';

/** `[state, pgrp, starttime]` of a process from /proc, or undefined when there is none. */
function procStat(pid: number | string): { state: string; pgrp: number; start: string } | undefined {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  // pid (comm) state ppid pgrp session tty tpgid flags minflt cminflt majflt cmajflt utime stime cutime cstime priority nice threads itrealvalue starttime
  const f = text.slice(text.lastIndexOf(')') + 2).split(' ');
  return { state: f[0] ?? '', pgrp: Number(f[2]), start: f[19] ?? '' };
}

export function stageGroup(pid: number): StageGroup {
  const start = HAS_PROC ? procStat(pid)?.start : undefined;
  return start ? { pgid: pid, start } : { pgid: pid };
}

/** Whether the process runs (a zombie, dead but not yet reaped by its parent, does not). */
export function isProcessLive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  if (HAS_PROC) {
    const s = procStat(pid);
    if (s !== undefined) return s.state !== 'Z' && s.state !== 'X';
    // Unreadable is not gone: /proc mounted with hidepid hides other users' processes; the signal check below still sees them (EPERM).
  }
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code !== 'ESRCH';
  }
}

/**
 * The live members of the group. Zombies do not count: an orphan's parent is init, and in a
 * container init may never reap them. Without /proc, kill(-pgid, 0) says whether any exist.
 */
export function groupMembers(pgid: number): number[] {
  if (!HAS_PROC) {
    try {
      process.kill(-pgid, 0);
      return [pgid];
    } catch {
      return [];
    }
  }
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (entry.charCodeAt(0) > 57) continue; // not a pid
    const s = procStat(entry);
    if (s && s.pgrp === pgid && s.state !== 'Z' && s.state !== 'X') pids.push(Number(entry));
  }
  return pids;
}

/** The environment variable each stage gets: its value names the run, so that a dead run's processes can be found. */
export const RUN_ENV = 'PIPE_RUN';

/**
 * The process groups of every live process whose environment names run `token` (Linux): a
 * stage's children inherit it whatever group they are in, and it is there from the moment the
 * stage starts, before the mutex records its group.
 */
export function groupsOfRun(token: string): StageGroup[] {
  if (!HAS_PROC) return [];
  const needle = Buffer.from(`${RUN_ENV}=${token}\0`);
  const groups = new Map<number, StageGroup>();
  for (const entry of readdirSync('/proc')) {
    if (entry.charCodeAt(0) > 57 || Number(entry) === process.pid) continue;
    let env: Buffer;
    try {
      env = readFileSync(`/proc/${entry}/environ`);
    } catch {
      continue; // gone, or another user's
    }
    if (env.indexOf(needle) < 0) continue;
    const s = procStat(entry);
    if (s && s.state !== 'Z' && s.pgrp > 1 && !groups.has(s.pgrp)) groups.set(s.pgrp, { pgid: s.pgrp });
  }
  return [...groups.values()];
}

/**
 * Whether `g` is still the group pipe recorded: a live leader with another start time is a
 * process that got the pid after the group ended (the kernel never reuses a pid that still
 * names a group, so a leaderless group with this id is ours).
 */
function isSameGroup(g: StageGroup): boolean {
  if (!HAS_PROC || !g.start) return true;
  const leader = procStat(g.pgid);
  return !leader || leader.start === g.start;
}

/**
 * Stops what is left of a stage's process group: SIGTERM, then SIGKILL after `graceMs`.
 * Returns whether anything of it was still running.
 */
export async function stopGroup(g: StageGroup, { graceMs = 3000 }: { graceMs?: number } = {}): Promise<boolean> {
  if (groupMembers(g.pgid).length === 0 || !isSameGroup(g)) return false;
  signalGroup(g.pgid, 'SIGTERM');
  const deadline = Date.now() + graceMs;
  while (groupMembers(g.pgid).length > 0 && Date.now() < deadline) await sleep(50);
  if (groupMembers(g.pgid).length > 0) {
    signalGroup(g.pgid, 'SIGKILL');
    // SIGKILL cannot be caught; the processes are gone as soon as the kernel gets to them.
    const hard = Date.now() + 10_000;
    while (groupMembers(g.pgid).length > 0 && Date.now() < hard) await sleep(20);
  }
  return true;
}

function signalGroup(pgid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pgid, signal);
  } catch {
    // Gone in between.
  }
}
