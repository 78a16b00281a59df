#!/usr/bin/env node
// `npm test`: builds, then runs the type check, eslint and vitest side by side (they are
// independent, and on a loaded 2-core CI machine running them one after another left the cores
// idle while vitest's files waited on their children). Vitest's
// output streams; the type check's and eslint's are printed when they end. Exits non-zero when
// any of them fails, naming which. Arguments go to vitest (`npm test -- test/e2e/gc.test.ts`).
import { spawn, spawnSync } from 'node:child_process';

const npx = process.platform === 'win32' ? 'npx.cmd' : 'npx';
const build = spawnSync(process.execPath, ['scripts/build.mjs'], { stdio: 'inherit' });
if (build.status !== 0) process.exit(build.status ?? 1);

/** Runs a command; with `quiet`, its output is kept and printed once it ends. */
function run(name, args, { quiet }) {
  return new Promise((resolve) => {
    const child = spawn(npx, args, { stdio: quiet ? ['ignore', 'pipe', 'pipe'] : 'inherit' });
    let out = '';
    if (quiet) {
      child.stdout.on('data', (d) => (out += d));
      child.stderr.on('data', (d) => (out += d));
    }
    child.on('close', (code, signal) => {
      if (quiet && out.trim()) process.stdout.write(`\n── ${name} ──\n${out}`);
      resolve({ name, ok: code === 0, code: code ?? signal });
    });
  });
}

const results = await Promise.all([
  run('typecheck (tsc --noEmit)', ['tsc', '-p', 'tsconfig.json', '--noEmit'], { quiet: true }),
  run('eslint', ['eslint', '.'], { quiet: true }),
  run('vitest', ['vitest', 'run', ...process.argv.slice(2)], { quiet: false }),
]);
const failed = results.filter((r) => !r.ok);
for (const r of results) process.stdout.write(`${r.ok ? 'ok    ' : 'FAILED'} ${r.name}${r.ok ? '' : ` (exit ${r.code})`}\n`);
process.exit(failed.length ? 1 : 0);
