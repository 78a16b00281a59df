/**
 * @module `pipe serve` changing models while it serves, on the built CLI: hot reload (SIGHUP, a
 * broken version, --watch), a shadow model, and canaries cut off by their SLO (errors, slowness,
 * shifted scores), all against a registry whose versions are real packages with real faults
 * (test/helpers/candidate-packages.ts).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { objectPath, sha256 } from '../helpers/cache.js';
import { bigDensePackage, brokenPackage, divergedPackage, shiftedPackage } from '../helpers/candidate-packages.js';
import { writeTinyPackage, type TinyRow } from '../helpers/model-package.js';
import { runPipe, startPipe, type RunningPipe } from '../helpers/pipe.js';
import { ok, removeRepos, type Repo } from '../helpers/repo.js';
import { servedRegistry, type ServedRegistry } from '../helpers/served-registry.js';
import { forFile, tempDir } from '../helpers/temp-dir.js';
import { eventually } from '../helpers/wait-until.js';

const READY = /^Serving (\S+).* at (http:\/\/127\.0\.0\.1:\d+) \(engine: ([^)]+)\)$/m;
const ROLLOUT_TIMEOUT = { timeout: 400_000 } as const;

let pkgDir: string;
/** Where the candidate packages were made (shifted/, broken/, …). */
let packagesDir: string;
let heldOut: TinyRow[];
let repo: Repo;
const running: RunningPipe[] = [];

async function serve(cwd: string, args: string[]): Promise<{ server: RunningPipe; url: string }> {
  const server = startPipe(cwd, ['serve', ...args, '--port', '0', '--no-access-log'], { timeoutMs: 390_000 });
  running.push(server);
  await server.waitForStdout(READY, 240_000);
  return { server, url: READY.exec(server.stdout())?.[2] ?? '' };
}

async function stop(server: RunningPipe): Promise<void> {
  server.child.kill('SIGTERM');
  await server.done;
}

const post = (url: string, body: unknown, headers: Record<string, string> = {}) =>
  fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
const getJson = async (url: string) => (await (await fetch(url)).json()) as Record<string, unknown>;
const metric = async (url: string, pattern: RegExp) => Number(pattern.exec(await (await fetch(`${url}/metrics`)).text())?.[1] ?? NaN);

let registry: ServedRegistry;
const git = (...args: string[]) => registry.git(...args);
const release = (dir: string, version: string) => registry.release(dir, version);
const assign = (version: string, stage: string) => registry.assign(version, stage);

beforeAll(async () => {
  await forFile(async () => {
    const packages = tempDir('pipe-rollout-packages-');
    packagesDir = packages;
    pkgDir = join(packages, 'tiny');
    heldOut = await writeTinyPackage(pkgDir);
    const broken = brokenPackage(pkgDir, join(packages, 'broken'));
    registry = servedRegistry();
    repo = registry.repo;
    await release(pkgDir, 'v1.0.0');
    await release(shiftedPackage(pkgDir, join(packages, 'shifted')), 'v1.1.0');
    await release(broken, 'v1.2.0');
    await release(divergedPackage(pkgDir, join(packages, 'diverged')), 'v1.3.0');
    await release(await bigDensePackage(pkgDir, join(packages, 'big')), 'v1.4.0');
    await assign('v1.0.0', 'prod');
    await assign('v1.0.0', 'staging');
  });
}, 400_000);

afterAll(async () => {
  for (const s of running) s.child.kill('SIGTERM');
  await Promise.all(running.map((s) => s.done));
  await removeRepos();
});

/** `clients` loops posting held-out rows until `until()` says stop; every answer's status and X-Model-Version. */
async function load(url: string, until: () => boolean, clients = 4): Promise<{ status: number; version: string | null }[]> {
  const seen: { status: number; version: string | null }[] = [];
  await Promise.all(
    Array.from({ length: clients }, async (_, k) => {
      for (let i = k; !until(); i++) {
        const r = await post(`${url}/predict`, heldOut[i % heldOut.length]).catch((e: unknown) => ({ status: -1, headers: new Headers(), text: async () => String(e) }));
        await r.text();
        seen.push({ status: r.status, version: r.headers.get('x-model-version') });
      }
    }),
  );
  return seen;
}

describe('hot reload', ROLLOUT_TIMEOUT, () => {
  let server: RunningPipe;
  let url: string;
  beforeAll(async () => {
    ({ server, url } = await serve(repo.dir, ['churn#prod']));
  }, 300_000);

  it('SIGHUP after churn#prod moved: answers switch to the new version under load with zero failed requests, and the old temporary copy is removed', async () => {
    const before = await getJson(`${url}/model`);
    expect(before).toMatchObject({ version: 'v1.0.0', stage: 'prod' });
    let switched = 0;
    const loop = load(url, () => switched >= 40);
    await sleep(300);
    await assign('v1.1.0', 'prod');
    server.child.kill('SIGHUP');
    await eventually(async () => (await getJson(`${url}/model`)).version === 'v1.1.0', '/model to show v1.1.0');
    // Keep the load on across the swap and after it.
    await eventually(async () => {
      switched = (await metric(url, /^pipe_serve_predictions_total\{model_version="v1\.1\.0",label="1",role="primary"\} (\S+)$/m)) || 0;
      switched += (await metric(url, /^pipe_serve_predictions_total\{model_version="v1\.1\.0",label="0",role="primary"\} (\S+)$/m)) || 0;
      return switched >= 40;
    }, '40 predictions from v1.1.0');
    const seen = await loop;
    expect(seen.filter((s) => s.status !== 200)).toEqual([]);
    expect(new Set(seen.map((s) => s.version))).toEqual(new Set(['v1.0.0', 'v1.1.0']));
    expect(seen.at(-1)?.version).toBe('v1.1.0');
    const after = await getJson(`${url}/model`);
    expect(after).toMatchObject({ version: 'v1.1.0', stage: 'prod', last_reload: { ok: true } });
    expect(after.loaded_at).not.toBe(before.loaded_at);
    expect(server.stderr()).toMatch(/^pipe serve: SIGHUP: now serving churn v1\.1\.0 \(was churn v1\.0\.0\)\.$/m);
    const text = await (await fetch(`${url}/metrics`)).text();
    expect(text).toMatch(/^pipe_serve_model_info\{name="churn",version="v1\.1\.0",/m);
    expect(text).not.toMatch(/^pipe_serve_model_info\{name="churn",version="v1\.0\.0",/m);
    expect(text).toMatch(/^pipe_serve_model_reloads_total\{result="ok"\} 1$/m);
    // v1.0.0 was fetched to a temporary directory; it goes once its last request let go.
    await eventually(async () => !existsSync(before.path as string), `${before.path as string} to be removed`);
  });

  it('a reload to a broken package keeps the old model: still 200, /model unchanged, the failure on stderr and counted', async () => {
    await assign('v1.2.0', 'prod');
    server.child.kill('SIGHUP');
    await eventually(async () => /did not load/.test(server.stderr()), 'the failed reload on stderr');
    expect(server.stderr()).toMatch(/^pipe serve: SIGHUP: the new model did not load, still serving churn v1\.1\.0: .*weights\.bin/m);
    const r = await post(`${url}/predict`, heldOut[0]);
    expect([r.status, r.headers.get('x-model-version')]).toEqual([200, 'v1.1.0']);
    expect(await getJson(`${url}/model`)).toMatchObject({ version: 'v1.1.0', last_reload: { ok: false } });
    expect(await metric(url, /^pipe_serve_model_reloads_total\{result="failed"\} (\S+)$/m)).toBe(1);
  });

  it('--watch picks up a moved stage tag', async () => {
    const { server: watching, url: watched } = await serve(repo.dir, ['churn#staging', '--watch', '--watch-interval', '1']);
    expect(watching.stderr()).toMatch(/^watching churn#staging in the registry every 1 s$/m);
    expect((await getJson(`${watched}/model`)).version).toBe('v1.0.0');
    await assign('v1.1.0', 'staging');
    await eventually(async () => (await getJson(`${watched}/model`)).version === 'v1.1.0', '--watch to load v1.1.0');
    expect(watching.stderr()).toMatch(/the watched stage moved to v1\.1\.0: now serving churn v1\.1\.0/);
    await stop(watching);
  });

  it('--watch tries again a stage move whose files were missing, and serves it once they are back', async () => {
    await assign('v1.0.0', 'dev');
    const { server: watching, url: watched } = await serve(repo.dir, ['churn#dev', '--watch', '--watch-interval', '1']);
    // v1.1.0's weights are its own (its output bias moved), so without their object it cannot be written out.
    const weights = objectPath(repo, `sha256:${sha256(readFileSync(join(packagesDir, 'shifted', 'weights.bin')))}`);
    const aside = `${weights}.aside`;
    renameSync(weights, aside);
    try {
      await assign('v1.1.0', 'dev');
      await eventually(async () => /did not load/.test(watching.stderr()), 'the failed load on stderr');
      expect(watching.stderr()).toMatch(/^pipe serve: the watched stage moved to v1\.1\.0: the new model did not load, still serving churn v1\.0\.0: .+ \(trying again in 1 s\)$/m);
      // v1.0.0 serves, but no longer holds churn#dev: /model does not say it does.
      expect(await getJson(`${watched}/model`)).toMatchObject({ version: 'v1.0.0', stage: null, last_reload: { ok: false } });
    } finally {
      renameSync(aside, weights);
    }
    await eventually(async () => (await getJson(`${watched}/model`)).version === 'v1.1.0', '--watch to load v1.1.0 once its files are back');
    expect(watching.stderr()).toMatch(/^pipe serve: trying v1\.1\.0 again, which holds the watched stage: now serving churn v1\.1\.0 \(was churn v1\.0\.0\)\.$/m);
    expect(await getJson(`${watched}/model`)).toMatchObject({ version: 'v1.1.0', stage: 'dev', last_reload: { ok: true } });
    expect(await metric(watched, /^pipe_serve_model_reloads_total\{result="ok"\} (\S+)$/m)).toBe(1);
    await stop(watching);
  });

  it('--watch says once when the stage loses its last holder, keeps the model and stops naming the stage, and follows the next holder', async () => {
    await assign('v1.0.0', 'qa');
    const { server: watching, url: watched } = await serve(repo.dir, ['churn#qa', '--watch', '--watch-interval', '1']);
    const info = async () => /^pipe_serve_model_info\{(.*)\} 1$/m.exec(await (await fetch(`${watched}/metrics`)).text())?.[1];
    expect(await info()).toMatch(/^name="churn",version="v1\.0\.0",commit="[0-9a-f]{40}",stage="qa",/);
    await ok(repo, ['model', 'unassign', 'churn', '--stage', 'qa']);
    await eventually(async () => /has no version now/.test(watching.stderr()), 'the stage without a holder on stderr');
    expect(watching.stderr()).toMatch(/^pipe serve: the watched stage churn#qa has no version now \(unassigned\): still serving churn v1\.0\.0 until one holds it\.$/m);
    expect(await getJson(`${watched}/model`)).toMatchObject({ version: 'v1.0.0', stage: null });
    expect(await info()).toMatch(/^name="churn",version="v1\.0\.0",commit="[0-9a-f]{40}",stage="",/);
    expect(await metric(watched, /^pipe_serve_model_reloads_total\{result="failed"\} (\S+)$/m)).toBe(0);

    await assign('v1.1.0', 'qa');
    await eventually(async () => (await getJson(`${watched}/model`)).version === 'v1.1.0', '--watch to load the new holder v1.1.0');
    expect(await getJson(`${watched}/model`)).toMatchObject({ version: 'v1.1.0', stage: 'qa' });
    expect(await info()).toMatch(/^name="churn",version="v1\.1\.0",commit="[0-9a-f]{40}",stage="qa",/);
    expect(watching.stderr().match(/has no version now/g)).toHaveLength(1);
    await stop(watching);
  });

  it('refuses --watch for what is not a registry stage, naming the option', async () => {
    const r = await runPipe(repo.dir, ['serve', pkgDir, '--watch', '--port', '0']);
    expect([r.code, r.stderr]).toEqual([2, `error: --watch follows a registry stage (churn#prod); '${pkgDir}' is not one (pipe serve)\n`]);
  });
});

describe('shadow', ROLLOUT_TIMEOUT, () => {
  it('never changes a response, even when the shadow fails; counts its predictions and their agreement', async () => {
    const { server: plain, url: plainUrl } = await serve(repo.dir, ['churn@v1.0.0']);
    const { server: shifted, url: shiftedUrl } = await serve(repo.dir, ['churn@v1.0.0', '--shadow', 'churn@v1.1.0']);
    const { server: failing, url: failingUrl } = await serve(repo.dir, ['churn@v1.0.0', '--shadow', 'churn@v1.3.0']);
    const bodies = async (url: string) => {
      const out: string[] = [];
      for (const row of heldOut.slice(0, 20)) out.push(await (await post(`${url}/predict`, row)).text());
      const batch = await post(`${url}/predict/batch`, heldOut);
      expect(batch.status).toBe(200);
      out.push(await batch.text());
      return out;
    };
    const expected = await bodies(plainUrl);
    expect(await bodies(shiftedUrl)).toEqual(expected);
    expect(await bodies(failingUrl)).toEqual(expected);
    expect(shifted.stderr()).toMatch(/^shadow: churn v1\.1\.0 scores every request beside the primary/m);
    // 20 single rows and a batch of 60: 80 rows, each scored by the shadow after its answer.
    const shadowRows = async (url: string, agreed: string) => (await metric(url, new RegExp(`^pipe_serve_shadow_predictions_total\\{model_version="v1\\.1\\.0",agreed="${agreed}"\\} (\\S+)$`, 'm'))) || 0;
    await eventually(async () => (await shadowRows(shiftedUrl, 'true')) + (await shadowRows(shiftedUrl, 'false')) === 80, 'the shadow to score 80 rows');
    // Its output bias moved by +3: many labels differ from the primary's.
    expect(await shadowRows(shiftedUrl, 'false')).toBeGreaterThan(0);
    const text = await (await fetch(`${shiftedUrl}/metrics`)).text();
    expect(text).toMatch(/^pipe_serve_predictions_total\{model_version="v1\.1\.0",label="1",role="shadow"\} \d+$/m);
    expect(text).toMatch(/^pipe_serve_scoring_duration_seconds_count\{model_version="v1\.1\.0",role="shadow"\} 21$/m);
    expect(failing.stderr()).toMatch(/^pipe serve: the shadow churn v1\.3\.0 failed to score \(the caller saw nothing\): churn v1\.3\.0 gave a non-finite score \(NaN\)/m);
    expect(await getJson(`${shiftedUrl}/model`)).toMatchObject({ version: 'v1.0.0', shadow: { name: 'churn', version: 'v1.1.0' } });
    for (const s of [plain, shifted, failing]) await stop(s);
  });
});

describe('canary', ROLLOUT_TIMEOUT, () => {
  /** Posts single rows as `users` callers (X-User-Id) until the canary is cut off or `max` requests; every answer. */
  async function drive(url: string, { max = 200, users = 50, batch = false } = {}) {
    const seen: { status: number; version: string | null; body: { model: { version: string } } }[] = [];
    for (let i = 0; i < max; i++) {
      const user = `u-${i % users}`;
      const r = batch ? await post(`${url}/predict/batch`, heldOut, { 'x-user-id': user }) : await post(`${url}/predict`, heldOut[i % heldOut.length], { 'x-user-id': user });
      seen.push({ status: r.status, version: r.headers.get('x-model-version'), body: (await r.json()) as { model: { version: string } } });
      if (i % 5 === 4 && ((await getJson(`${url}/model`)).canary as { state: string }).state === 'rolled_back') break;
    }
    return seen;
  }

  /** After the cut-off: 30 more requests, all answered 200 by the primary. */
  async function allPrimary(url: string) {
    for (let i = 0; i < 30; i++) {
      const r = await post(`${url}/predict`, heldOut[i], { 'x-user-id': `u-${i}` });
      expect([r.status, r.headers.get('x-model-version')]).toEqual([200, 'v1.0.0']);
    }
  }

  function rolledBack(server: RunningPipe): { reason: string; requests: number; version: string } {
    const line = server.stderr().split('\n').find((l) => l.includes('"event":"canary_rolled_back"'));
    expect(line, server.stderr()).toBeDefined();
    return JSON.parse(line as string) as { reason: string; requests: number; version: string };
  }

  it('answers a sticky share of callers with the candidate, and says which version answered', async () => {
    const { server, url } = await serve(repo.dir, ['churn@v1.0.0', '--canary', 'churn@v1.1.0', '--canary-weight', '30', '--canary-key', 'header:X-User-Id', '--canary-max-score-psi', '1000']);
    const byUser = new Map<string, Set<string | null>>();
    for (let round = 0; round < 3; round++) {
      for (let u = 0; u < 40; u++) {
        const r = await post(`${url}/predict`, heldOut[(u + round) % heldOut.length], { 'x-user-id': `user-${u}` });
        const body = (await r.json()) as { model: { version: string } };
        expect(r.status).toBe(200);
        expect(r.headers.get('x-model-version')).toBe(body.model.version);
        byUser.set(`user-${u}`, (byUser.get(`user-${u}`) ?? new Set()).add(body.model.version));
      }
    }
    expect([...byUser.values()].every((versions) => versions.size === 1)).toBe(true);
    const canaryUsers = [...byUser.values()].filter((v) => v.has('v1.1.0')).length;
    expect(canaryUsers).toBeGreaterThan(2);
    expect(canaryUsers).toBeLessThan(30);
    const text = await (await fetch(`${url}/metrics`)).text();
    expect(text).toMatch(/^pipe_serve_canary_state\{model_version="v1\.1\.0"\} 1$/m);
    expect(text).toMatch(/^pipe_serve_predictions_total\{model_version="v1\.1\.0",label="[01]",role="canary"\} \d+$/m);
    if (spawnSync('promtool', ['--version'], { stdio: 'ignore' }).status === 0) {
      const check = spawnSync('promtool', ['check', 'metrics'], { input: text, encoding: 'utf8' });
      expect(`${check.status} ${check.stdout}${check.stderr}`.trim()).toBe('0');
    }
    expect(await getJson(`${url}/model`)).toMatchObject({ version: 'v1.0.0', canary: { version: 'v1.1.0', weight: 30, state: 'active', reason: null } });
    await stop(server);
  });

  it('cuts off a canary that fails on some rows within its window; no request fails, then all traffic is the primary', async () => {
    const { server, url } = await serve(repo.dir, ['churn@v1.0.0', '--canary', 'churn@v1.3.0', '--canary-weight', '100', '--canary-window', '50']);
    const seen = await drive(url);
    expect(seen.filter((s) => s.status !== 200)).toEqual([]);
    const event = rolledBack(server);
    expect(event).toMatchObject({ reason: 'error_rate', version: 'v1.3.0' });
    expect(event.requests).toBeLessThanOrEqual(50);
    await allPrimary(url);
    expect(await getJson(`${url}/model`)).toMatchObject({ canary: { version: 'v1.3.0', state: 'rolled_back', reason: 'error_rate' } });
    const text = await (await fetch(`${url}/metrics`)).text();
    expect(text).toMatch(/^pipe_serve_canary_state\{model_version="v1\.3\.0"\} 0$/m);
    expect(text).toMatch(/^pipe_serve_canary_rollbacks_total\{model_version="v1\.3\.0",reason="error_rate"\} 1$/m);
    await stop(server);
  });

  it('cuts off a slow canary (wide Dense layers) on its p99 scoring time', async () => {
    const { server, url } = await serve(repo.dir, ['churn@v1.0.0', '--canary', 'churn@v1.4.0', '--canary-weight', '100', '--canary-window', '50', '--canary-max-p99', '1', '--canary-max-score-psi', '1000']);
    const seen = await drive(url);
    expect(seen.filter((s) => s.status !== 200)).toEqual([]);
    const event = rolledBack(server);
    expect(event).toMatchObject({ reason: 'latency', version: 'v1.4.0' });
    expect(event.requests).toBeLessThanOrEqual(50);
    await allPrimary(url);
    await stop(server);
  });

  it('cuts off a canary whose scores are shifted against the primary’s, and with --registry-rollback gives its stage back', async () => {
    await assign('v1.0.0', 'canary');
    await assign('v1.1.0', 'canary');
    const { server, url } = await serve(repo.dir, ['churn@v1.0.0', '--canary', 'churn#canary', '--canary-weight', '50', '--canary-key', 'header:X-User-Id', '--canary-window', '50', '--registry-rollback']);
    const seen = await drive(url, { batch: true, users: 10 });
    expect(seen.filter((s) => s.status !== 200)).toEqual([]);
    const event = rolledBack(server);
    expect(event).toMatchObject({ reason: 'score_drift', version: 'v1.1.0' });
    expect(event.requests).toBeLessThanOrEqual(50);
    await allPrimary(url);
    await eventually(async () => /"event":"registry_rollback"/.test(server.stderr()), 'the registry rollback');
    // A new assign tag (GTO: nothing deleted) gives canary back to v1.0.0.
    const newest = git('tag', '--list', 'churn#canary#*').split('\n').sort((a, b) => Number(b.split('#')[2]) - Number(a.split('#')[2]))[0] as string;
    expect(git('rev-list', '-n1', newest)).toBe(git('rev-list', '-n1', 'churn@v1.0.0'));
    expect(git('tag', '--list', newest, '--format=%(contents:subject)')).toMatch(/^Assigning stage canary to the version before v1\.1\.0: pipe serve cut the canary off \(score_drift/);
    await stop(server);
  });

  it('refuses --registry-rollback for a canary that is not a stage reference, and bad canary flags, naming the option', async () => {
    const r = await runPipe(repo.dir, ['serve', 'churn@v1.0.0', '--canary', 'churn@v1.1.0', '--registry-rollback', '--port', '0']);
    expect([r.code, r.stderr]).toEqual([2, "error: --registry-rollback rolls back the registry stage the canary comes from: give --canary a stage reference (churn#canary), not 'churn@v1.1.0' (pipe serve)\n"]);
    const w = await runPipe(repo.dir, ['serve', 'churn@v1.0.0', '--canary', 'churn@v1.1.0', '--canary-weight', '0']);
    expect([w.code, w.stderr]).toEqual([2, "error: --canary-weight takes a percentage of callers above 0, at most 100 (10), not '0' (pipe serve)\n"]);
    const k = await runPipe(repo.dir, ['serve', 'churn@v1.0.0', '--canary-key', 'cookie:x']);
    expect([k.code, k.stderr]).toEqual([2, "error: --canary-key configures a canary: add --canary REF (pipe serve)\n"]);
  });

  it('answers 500 scoring_failed, not a null probability, when the served model itself gives NaN', async () => {
    const { server, url } = await serve(repo.dir, ['churn@v1.3.0']);
    const bad = await post(`${url}/predict`, { age: 61, plan: 'pro' });
    expect([bad.status, ((await bad.json()) as { code: string }).code]).toEqual([500, 'scoring_failed']);
    const fine = await post(`${url}/predict`, { age: 20, plan: 'pro' });
    expect(fine.status).toBe(200);
    expect(typeof ((await fine.json()) as { probability: unknown }).probability).toBe('number');
    expect(server.stderr()).toMatch(/churn v1\.3\.0 gave a non-finite score \(NaN\) for row 0/);
    await stop(server);
  });
});
