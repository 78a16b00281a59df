// CPU seconds (user + system) a process has used, from /proc: what a request costs a server, whatever the machine's load.
import { readdirSync, readFileSync } from 'node:fs';

function statFields(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
}

export function cpuSeconds(pid) {
  const fields = statFields(pid);
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/** The pids whose parent is `pid` (the workers of a node:cluster primary). */
export function childPids(pid) {
  const out = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      if (Number(statFields(name)[1]) === pid) out.push(Number(name));
    } catch {
      // gone meanwhile
    }
  }
  return out;
}

/** CPU seconds of `pid` and its children (a cluster's primary and workers; a child that exits is no longer counted). */
export function treeCpuSeconds(pid) {
  return [pid, ...childPids(pid)].reduce((sum, p) => {
    try {
      return sum + cpuSeconds(p);
    } catch {
      return sum;
    }
  }, 0);
}

/** Resident set size in bytes (VmRSS). */
export function rssBytes(pid) {
  const kb = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
  return Number(kb) * 1024;
}
