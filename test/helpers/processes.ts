/** @module What /proc says about processes: whether one still runs, and which run in a process group (zombies count as gone). */
import { readdirSync, readFileSync } from 'node:fs';

/** `[state, pgrp]` from /proc/PID/stat, or undefined when there is no such process. */
function stat(pid: number | string): { state: string; pgrp: number } | undefined {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  // pid (comm) state ppid pgrp …; comm may contain spaces, so split after the last ')'.
  const [state, , pgrp] = text.slice(text.lastIndexOf(')') + 2).split(' ');
  return { state: state ?? '', pgrp: Number(pgrp) };
}

/** Whether the process exists and is not a zombie. */
export function isLive(pid: number): boolean {
  const s = stat(pid);
  return s !== undefined && s.state !== 'Z';
}

/** Live (non-zombie) processes whose process group is `pgid`. */
export function liveMembers(pgid: number): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const s = stat(entry);
    if (s && s.pgrp === pgid && s.state !== 'Z') pids.push(Number(entry));
  }
  return pids;
}
