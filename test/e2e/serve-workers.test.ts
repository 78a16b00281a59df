/**
 * @module `pipe serve --workers N` as a user runs it: one primary, N worker processes on one port.
 * Ready only when every worker is, /metrics counts every worker's requests whichever answers the
 * scrape, a worker that dies is replaced without the service going down, SIGTERM drains them all,
 * and a bad --workers or a bad model stops it with exit 2.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tinyRows, writeTinyPackage } from '../helpers/model-package.js';
import { runPipe, startPipe, type RunningPipe } from '../helpers/pipe.js';
import { liveChildren } from '../helpers/processes.js';
import { forFile, tempDir } from '../helpers/temp-dir.js';
import { waitUntil } from '../helpers/wait-until.js';

const READY = /^Serving (\S+).* at (http:\/\/127\.0\.0\.1:\d+) \(engine: [^;]+; (\d+) workers\)$/m;
const TIMEOUT = { timeout: 300_000 } as const;

let pkgDir: string;
let server: RunningPipe;
let base: string;

/** The worker processes of a primary (its child processes). */
const workersOf = liveChildren;

/** A prediction on a connection of its own: the primary hands connections to the workers in turn. */
const predict = (row: unknown) => fetch(`${base}/predict`, { method: 'POST', headers: { 'content-type': 'application/json', connection: 'close' }, body: JSON.stringify(row) });

beforeAll(async () => {
  await forFile(async () => {
    pkgDir = join(tempDir('pipe-serve-workers-'), 'tiny');
    await writeTinyPackage(pkgDir);
  });
  server = startPipe(pkgDir, ['serve', pkgDir, '--port', '0', '--workers', '2', '--no-access-log']);
  await server.waitForStdout(READY, 240_000);
  base = READY.exec(server.stdout())?.[2] ?? '';
}, 300_000);

afterAll(async () => {
  if (server.child.exitCode === null) {
    server.child.kill('SIGTERM');
    await server.done;
  }
});

describe('pipe serve --workers 2', TIMEOUT, () => {
  it('says it is ready once, when both workers listen, and runs two worker processes', () => {
    expect(server.stdout().match(new RegExp(READY.source, 'gm'))).toHaveLength(1);
    expect(READY.exec(server.stdout())?.[3]).toBe('2');
    expect(workersOf(server.pid)).toHaveLength(2);
  });

  it("counts every worker's requests in /metrics, whichever worker answers the scrape", async () => {
    const rows = tinyRows(12, 5);
    for (const row of rows) expect((await predict(row)).status).toBe(200);
    const counted = (text: string) => Number(/^pipe_serve_requests_total\{method="POST",route="\/predict",status="200"\} (\d+)$/m.exec(text)?.[1] ?? NaN);
    // Two scrapes on two connections: both workers' answers hold the whole count.
    for (let i = 0; i < 2; i++) {
      const text = await (await fetch(`${base}/metrics`, { headers: { connection: 'close' } })).text();
      expect(counted(text)).toBe(rows.length);
      // The histograms counted in bulk (serve/bulk-histogram.ts) add up across workers too.
      expect(text).toMatch(new RegExp(`^pipe_serve_request_duration_seconds_count\\{method="POST",route="/predict",status="200"\\} ${rows.length}$`, 'm'));
      expect(text).toMatch(new RegExp(`^pipe_serve_prediction_score_count ${rows.length}$`, 'm'));
      expect(text).toMatch(new RegExp(`^pipe_serve_prediction_score_bucket\\{le="\\+Inf"\\} ${rows.length}$`, 'm'));
      expect(text).toMatch(/^pipe_serve_model_info\{[^}]*name="tiny"[^}]*\} 1$/m);
    }
  });

  it('replaces a worker that dies, and keeps answering meanwhile', async () => {
    const [victim] = workersOf(server.pid);
    process.kill(victim as number, 'SIGKILL');
    await waitUntil(() => /worker \d+ was killed \(SIGKILL\) while serving; starting another/.test(server.stderr()), 'the primary to notice the dead worker', { timeoutMs: 60_000 });
    for (const row of tinyRows(4, 9)) expect((await predict(row)).status).toBe(200);
    await waitUntil(() => workersOf(server.pid).length === 2 && !workersOf(server.pid).includes(victim as number), 'a second worker again', { timeoutMs: 120_000, everyMs: 200 });
  });

  it('drains every worker on SIGTERM and exits 0, leaving no worker behind', async () => {
    const workers = workersOf(server.pid);
    server.child.kill('SIGTERM');
    const result = await server.done;
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toMatch(/SIGTERM: draining 2 workers/);
    for (const pid of workers) expect(() => process.kill(pid, 0)).toThrow();
  });
});

describe('pipe serve --workers, bad input', TIMEOUT, () => {
  it('refuses a count that is not one, naming the option (exit 2)', async () => {
    const r = await runPipe(pkgDir, ['serve', pkgDir, '--workers', '0']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--workers takes a number of processes from 1 to 256, or auto/);
  });

  it('stops with exit 2 and the reason when the workers cannot load the model', async () => {
    const empty = tempDir('pipe-serve-workers-empty-');
    const r = await runPipe(empty, ['serve', empty, '--port', '0', '--workers', '2']);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toMatch(/model\.json|metadata\.json|not a model package/);
    expect(r.stdout).not.toMatch(/^Serving/m);
  });
});
