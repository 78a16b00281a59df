// CPU time (user + sys) per test file of the suite, heaviest first: runs `vitest run` with
// bench/suite-cpu-probe.ts, which records each file's worker and the children it waited for.
// Wall time on a loaded machine mostly measures waiting for a core; CPU time is what the suite
// costs. Build first (npm run build): the e2e tests run dist/.
//   node bench/suite-cpu.mjs [vitest filters…] [--top N]
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, relative } from 'node:path';

const args = process.argv.slice(2);
const topAt = args.indexOf('--top');
const top = topAt >= 0 ? Number(args.splice(topAt, 2)[1]) : 20;
const dir = mkdtempSync(join(tmpdir(), 'suite-cpu-'));
const log = join(dir, 'cpu.jsonl');
const load = loadavg().map((l) => l.toFixed(1)).join(' ');
const started = Date.now();
const run = spawnSync('npx', ['vitest', 'run', '-c', 'bench/suite-cpu.config.ts', ...args], { stdio: ['ignore', 'ignore', 'inherit'], env: { ...process.env, SUITE_CPU_LOG: log } });
const rows = readFileSync(log, 'utf8')
  .trim()
  .split('\n')
  .map((l) => JSON.parse(l))
  .map((r) => ({ ...r, file: relative(process.cwd(), r.file), total: r.self + r.children }))
  .sort((a, b) => b.total - a.total);
rmSync(dir, { recursive: true, force: true });
const sum = (k) => rows.reduce((s, r) => s + r[k], 0);
console.log(`vitest exit ${run.status}; ${rows.length} files, ${Math.round((Date.now() - started) / 1000)} s wall; load average before ${load}, after ${loadavg().map((l) => l.toFixed(1)).join(' ')}`);
console.log(`CPU of the files: ${sum('total').toFixed(0)} s (workers ${sum('self').toFixed(0)} s, their children ${sum('children').toFixed(0)} s)\n`);
console.log('| file | CPU s | worker | children |\n| --- | --- | --- | --- |');
for (const r of rows.slice(0, top)) console.log(`| ${r.file} | ${r.total.toFixed(1)} | ${r.self.toFixed(1)} | ${r.children.toFixed(1)} |`);
process.exitCode = run.status ?? 1;
