/**
 * @module A vitest setup file for bench/suite-cpu.mjs: when a test file ends, appends the CPU time
 * (user + sys) of its worker process and of every child process it waited for (pipe, git, the
 * stages under pipe) to $SUITE_CPU_LOG. Each file runs in a worker of its own (pool forks,
 * isolate), so a line is that file's whole cost.
 */
import { appendFileSync, readFileSync } from 'node:fs';
import { afterAll, beforeAll } from 'vitest';

let file = '?';
// vitest passes the suite as the second argument of a beforeAll hook; the first must be a destructuring pattern.
// eslint-disable-next-line no-empty-pattern
beforeAll(({}, suite) => {
  file = 'filepath' in suite && typeof suite.filepath === 'string' ? suite.filepath : suite.name;
});

afterAll(() => {
  const stat = readFileSync('/proc/self/stat', 'utf8');
  // Fields after "(comm) ": state is the first; utime, stime, cutime, cstime are the 12th to 15th (clock ticks of 1/100 s).
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const [utime, stime, cutime, cstime] = [11, 12, 13, 14].map((i) => Number(fields[i]) / 100) as [number, number, number, number];
  const log = process.env.SUITE_CPU_LOG;
  if (log) appendFileSync(log, `${JSON.stringify({ file, self: utime + stime, children: cutime + cstime })}\n`);
});
