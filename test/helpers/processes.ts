/** @module What /proc says about processes: whether one still runs, which run in a process group, which are a process's children (zombies count as gone). */
import { readdirSync, readFileSync } from 'node:fs';

/** state, ppid and pgrp from /proc/PID/stat, or undefined when there is no such process. */
function stat(pid: number | string): { state: string; ppid: number; pgrp: number } | undefined {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  // pid (comm) state ppid pgrp …; comm may contain spaces, so split after the last ')'.
  const [state, ppid, pgrp] = text.slice(text.lastIndexOf(')') + 2).split(' ');
  return { state: state ?? '', ppid: Number(ppid), pgrp: Number(pgrp) };
}

/** Whether the process exists and is not a zombie. */
export function isLive(pid: number): boolean {
  const s = stat(pid);
  return s !== undefined && s.state !== 'Z';
}

/** Live (non-zombie) processes whose stat passes `which`. */
function live(which: (s: { ppid: number; pgrp: number }) => boolean): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const s = stat(entry);
    if (s && which(s) && s.state !== 'Z') pids.push(Number(entry));
  }
  return pids;
}

/** Live (non-zombie) processes whose process group is `pgid`. */
export const liveMembers = (pgid: number): number[] => live((s) => s.pgrp === pgid);

/** Live (non-zombie) child processes of `pid` (the workers of a `pipe serve --workers N` primary). */
export const liveChildren = (pid: number): number[] => live((s) => s.ppid === pid);
