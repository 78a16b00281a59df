/** @module The built CLI's worker pool: the build holds dist/workers/worker.cjs, and `pipe add` of a large directory hashes on threads started from it. */
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, renameSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readManifest, sha256 } from '../helpers/cache.js';
import { PIPE_BIN } from '../helpers/pipe.js';
import { makeRepo, removeRepos } from '../helpers/repo.js';
import { tempDir } from '../helpers/temp-dir.js';

afterAll(removeRepos);

/** The package whose bin is under test: bin/, dist/, package.json, node_modules/. */
const BUILD = join(dirname(PIPE_BIN), '..');

/** A copy of the build whose worker module first logs that it loaded and each task it is given, then runs the real one. */
function spyingBuild(log: string): string {
  const copy = tempDir('pipe-build-');
  for (const part of ['bin', 'dist', 'package.json']) cpSync(join(BUILD, part), join(copy, part), { recursive: true });
  symlinkSync(join(BUILD, 'node_modules'), join(copy, 'node_modules'));
  const worker = join(copy, 'dist', 'workers', 'worker.cjs');
  renameSync(worker, join(copy, 'dist', 'workers', 'real-worker.cjs'));
  writeFileSync(
    worker,
    [
      "const { appendFileSync } = require('node:fs');",
      "const { parentPort } = require('node:worker_threads');",
      `appendFileSync(${JSON.stringify(log)}, 'loaded\\n');`,
      `parentPort.on('message', (m) => appendFileSync(${JSON.stringify(log)}, m.kind + '\\n'));`,
      "require('./real-worker.cjs');",
    ].join('\n'),
  );
  return join(copy, 'bin', 'pipe.js');
}

describe('the worker pool of the built CLI', () => {
  it('is built as dist/workers/worker.cjs', () => {
    expect(existsSync(join(BUILD, 'dist', 'workers', 'worker.cjs'))).toBe(true);
  });

  it('pipe add of a 128 MiB directory hashes on pool threads as well as the main thread, with the same hashes', () => {
    const log = join(tempDir('pipe-worker-log-'), 'log');
    const bin = spyingBuild(log);
    const repo = makeRepo({ 'pipeline.yaml': 'stages: {}\n' });
    mkdirSync(repo.path('big'));
    // Well above the 32 MiB under which the main thread hashes alone, in 64 files that all differ.
    for (let i = 0; i < 64; i++) writeFileSync(repo.path(`big/f${i}`), Buffer.alloc(2 << 20, i));
    const r = spawnSync(process.execPath, [bin, 'add', 'big'], { cwd: repo.dir, env: { ...process.env, NO_COLOR: '1' }, encoding: 'utf8', timeout: 200_000 });
    expect(r.status, r.stderr).toBe(0);
    const entry = (repo.lock().data as Record<string, { hash: string; nfiles: number }>).big;
    expect(entry?.nfiles).toBe(64);
    const manifest = readManifest(repo, entry?.hash as string);
    expect(manifest.find((e) => e.relpath === 'f9')?.hash).toBe(sha256(Buffer.alloc(2 << 20, 9)));
    const lines = readFileSync(log, 'utf8').split('\n');
    expect(lines).toContain('loaded');
    expect(lines).toContain('hash');
  }, 300_000);
});
