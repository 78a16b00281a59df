// CPU seconds (user + system) a process has used, from /proc: what a request costs a server, whatever the machine's load.
import { readFileSync } from 'node:fs';

export function cpuSeconds(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}
