/**
 * @module `pipe serve --workers 2` changing models, on the built CLI: the primary resolves, the
 * workers load. A SIGHUP or a move of the watched stage is resolved (and a version fetched) by the
 * primary alone, which says so once; both workers then serve the new version, and so does a worker
 * started after it in place of one that died. Fetched versions' temporary directories go once no
 * worker needs them, and none is left at exit. The registry's versions are real packages
 * (test/helpers/served-registry.ts); each service gets a TMPDIR of its own to count them in.
 */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { brokenPackage, shiftedPackage } from '../helpers/candidate-packages.js';
import { writeTinyPackage, type TinyRow } from '../helpers/model-package.js';
import { startPipe, type RunningPipe } from '../helpers/pipe.js';
import { liveChildren } from '../helpers/processes.js';
import { ok, removeRepos, type Repo } from '../helpers/repo.js';
import { servedRegistry, type ServedRegistry } from '../helpers/served-registry.js';
import { forFile, tempDir } from '../helpers/temp-dir.js';
import { eventually, waitUntil } from '../helpers/wait-until.js';

const READY = /^Serving (\S+).* at (http:\/\/127\.0\.0\.1:\d+) \(engine: [^;]+; 2 workers\)$/m;
/** Per test: each starts or reloads two worker processes on a machine that may be busy. */
const TIMEOUT = { timeout: 400_000 } as const;
/** How long a change may take to show (a hang detector, not a speed check). */
const PATIENCE = { timeoutMs: 240_000, everyMs: 100 };

let registry: ServedRegistry;
let repo: Repo;
let heldOut: TinyRow[];

beforeAll(async () => {
  await forFile(async () => {
    const packages = tempDir('pipe-workers-reload-packages-');
    const tiny = join(packages, 'tiny');
    heldOut = await writeTinyPackage(tiny);
    registry = servedRegistry();
    repo = registry.repo;
    await registry.release(tiny, 'v1.0.0');
    await registry.release(shiftedPackage(tiny, join(packages, 'shifted')), 'v1.1.0');
    await registry.release(brokenPackage(tiny, join(packages, 'broken')), 'v1.2.0');
    // The workspace holds the last release: v1.0.0 to v1.2.0 are written out to temporary directories when served.
    await registry.release(shiftedPackage(tiny, join(packages, 'shifted-more'), 5), 'v1.3.0');
    await registry.assign('v1.0.0', 'prod');
    await registry.assign('v1.0.0', 'staging');
  });
}, 400_000);

afterAll(removeRepos);

interface Served {
  readonly server: RunningPipe;
  readonly url: string;
  /** The fetched versions' temporary directories that exist now. */
  fetched(): string[];
}

async function serve(args: string[]): Promise<Served> {
  const tmp = tempDir('pipe-workers-reload-tmp-');
  const server = startPipe(repo.dir, ['serve', ...args, '--port', '0', '--workers', '2', '--no-access-log'], { env: { TMPDIR: tmp }, timeoutMs: 1_500_000 });
  await server.waitForStdout(READY, 300_000);
  return { server, url: READY.exec(server.stdout())?.[2] ?? '', fetched: () => readdirSync(tmp).filter((name) => name.startsWith('pipe-serve-')) };
}

/** `n` requests, each on a connection of its own: the primary hands connections to the workers in turn, so each worker answers some. */
async function each<T>(n: number, ask: (i: number) => Promise<T>): Promise<T[]> {
  const out: T[] = [];
  for (let i = 0; i < n; i++) out.push(await ask(i));
  return out;
}

const close = { connection: 'close' };
const versions = (url: string) =>
  each(8, async (i) => {
    const r = await fetch(`${url}/predict`, { method: 'POST', headers: { 'content-type': 'application/json', ...close }, body: JSON.stringify(heldOut[i % heldOut.length]) });
    await r.text();
    return `${r.status} ${r.headers.get('x-model-version')}`;
  });
const models = (url: string) => each(6, async () => (await (await fetch(`${url}/model`, { headers: close })).json()) as Record<string, unknown>);
const metrics = async (url: string) => (await fetch(`${url}/metrics`, { headers: close })).text();
const count = (text: string, pattern: RegExp) => text.match(new RegExp(pattern.source, 'gm'))?.length ?? 0;

describe('pipe serve --workers 2: SIGHUP', TIMEOUT, () => {
  let served: Served;
  beforeAll(async () => {
    served = await serve(['churn#prod']);
  }, 400_000);
  afterAll(async () => {
    served.server.child.kill('SIGTERM');
    await served.server.done;
  });

  it('after churn#prod moved: the primary resolves it once, both workers serve it, and the old temporary copy goes', async () => {
    const { server, url } = served;
    const [before] = await models(url);
    expect(before).toMatchObject({ version: 'v1.0.0', stage: 'prod' });
    expect(served.fetched()).toHaveLength(1);
    await registry.assign('v1.1.0', 'prod');
    server.child.kill('SIGHUP');
    const reloaded = /^pipe serve: SIGHUP: now serving churn v1\.1\.0 \(was churn v1\.0\.0\)\.$/;
    // Said once every worker has answered: both serve it from here on.
    await waitUntil(() => count(server.stderr(), reloaded) > 0, 'the reload on stderr', PATIENCE);
    expect(new Set(await versions(url))).toEqual(new Set(['200 v1.1.0']));
    for (const m of await models(url)) expect(m).toMatchObject({ version: 'v1.1.0', stage: 'prod', last_reload: { ok: true } });
    // One resolution, one line; one load per worker, summed over both.
    expect(count(server.stderr(), reloaded)).toBe(1);
    expect(await metrics(url)).toMatch(/^pipe_serve_model_reloads_total\{result="ok"\} 2$/m);
    // v1.0.0's copy went with the swap (the workers hold the model in memory); v1.1.0's stays for a worker started later.
    expect(existsSync(before?.path as string)).toBe(false);
    expect(served.fetched()).toHaveLength(1);
  });

  it('a worker killed after the reload is replaced by one that serves the new version, not the one resolved at start', async () => {
    const { server, url } = served;
    const [victim] = liveChildren(server.pid);
    process.kill(victim as number, 'SIGKILL');
    await waitUntil(() => /^pipe serve: worker \d+ is serving churn v1\.1\.0$/m.test(server.stderr()), 'the replacement worker to listen', PATIENCE);
    expect(liveChildren(server.pid)).not.toContain(victim);
    expect(new Set(await versions(url))).toEqual(new Set(['200 v1.1.0']));
    for (const m of await models(url)) expect(m).toMatchObject({ version: 'v1.1.0', stage: 'prod' });
  });

  it('a version that does not load keeps both workers on the old one, is said once, and leaves no temporary copy', async () => {
    const { server, url } = served;
    await registry.assign('v1.2.0', 'prod');
    server.child.kill('SIGHUP');
    const failed = /^pipe serve: SIGHUP: the new model did not load, still serving churn v1\.1\.0: churn@v1\.2\.0: .*weights\.bin/;
    await waitUntil(() => count(server.stderr(), failed) > 0, 'the failed reload on stderr', PATIENCE);
    expect(new Set(await versions(url))).toEqual(new Set(['200 v1.1.0']));
    for (const m of await models(url)) expect(m).toMatchObject({ version: 'v1.1.0', last_reload: { ok: false } });
    expect(count(server.stderr(), failed)).toBe(1);
    expect(await metrics(url)).toMatch(/^pipe_serve_model_reloads_total\{result="failed"\} 2$/m);
    expect(served.fetched()).toHaveLength(1);
  });

  it('SIGTERM after the reloads: exit 0, and no temporary directory is left', async () => {
    const { server } = served;
    server.child.kill('SIGTERM');
    const result = await server.done;
    expect(result.code, result.stderr).toBe(0);
    expect(served.fetched()).toEqual([]);
  });
});

describe('pipe serve --workers 2 --watch', TIMEOUT, () => {
  it('the primary alone reads the registry and says each change once; both workers stop naming a stage left with no holder, and follow its next holder', async () => {
    const { server, url, fetched } = await serve(['churn#staging', '--watch', '--watch-interval', '1']);
    try {
      expect(count(server.stderr(), /^watching churn#staging in the registry every 1 s$/)).toBe(1);
      // v1.0.0 is staging's only holder: unassigned, the stage has none.
      await ok(repo, ['model', 'unassign', 'churn', '--stage', 'staging']);
      const vacant = /^pipe serve: the watched stage churn#staging has no version now \(unassigned\): still serving churn v1\.0\.0 until one holds it\.$/;
      await waitUntil(() => count(server.stderr(), vacant) > 0, 'the stage without a holder on stderr', PATIENCE);
      // The primary tells each worker after saying it: the one that answers next may not have been told yet.
      await eventually(async () => (await models(url)).every((m) => m.stage === null), 'both workers to stop naming the stage', PATIENCE);
      for (const m of await models(url)) expect(m).toMatchObject({ version: 'v1.0.0', stage: null });
      expect(await metrics(url)).toMatch(/^pipe_serve_model_info\{name="churn",version="v1\.0\.0",commit="[0-9a-f]{40}",stage="",.*\} 1$/m);
      expect(count(server.stderr(), vacant)).toBe(1);

      await registry.assign('v1.1.0', 'staging');
      const moved = /^pipe serve: the watched stage moved to v1\.1\.0: now serving churn v1\.1\.0 \(was churn v1\.0\.0\)\.$/;
      // Said once every worker has answered.
      await waitUntil(() => count(server.stderr(), moved) > 0, 'the move on stderr', PATIENCE);
      expect(new Set(await versions(url))).toEqual(new Set(['200 v1.1.0']));
      await eventually(async () => (await models(url)).every((m) => m.stage === 'staging'), 'both workers to name the stage again', PATIENCE);
      for (const m of await models(url)) expect(m).toMatchObject({ version: 'v1.1.0', stage: 'staging', last_reload: { ok: true } });
      const text = await metrics(url);
      expect(text).toMatch(/^pipe_serve_model_info\{name="churn",version="v1\.1\.0",commit="[0-9a-f]{40}",stage="staging",.*\} 1$/m);
      // One read of the registry per interval, one resolution per move, one line; one load per worker, summed over both.
      expect(count(server.stderr(), moved)).toBe(1);
      expect(text).toMatch(/^pipe_serve_model_reloads_total\{result="ok"\} 2$/m);
      expect(fetched()).toHaveLength(1);
    } finally {
      server.child.kill('SIGTERM');
    }
    const result = await server.done;
    expect(result.code, result.stderr).toBe(0);
    expect(fetched()).toEqual([]);
  });
});
