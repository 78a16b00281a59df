/**
 * @module `pipe serve` as a user runs it: the built CLI on --port 0, a tiny model package trained
 * in the test. It answers as training's own code path does (issue 16 item 6), its /metrics pass
 * promtool, it resolves the workspace artifact and registry references, and a missing or
 * inconsistent model stops it with exit 2 before it listens.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tinyRows, writeTinyPackage, type TinyRow } from '../helpers/model-package.js';
import { startPipe, runPipe, type RunningPipe } from '../helpers/pipe.js';
import { makeRepo, removeRepos } from '../helpers/repo.js';
import { forFile, tempDir } from '../helpers/temp-dir.js';
import { waitUntil } from '../helpers/wait-until.js';
import { loadModelPackage, transformRow } from '../../serve/model/index.js';

const READY = /^Serving (\S+).* at (http:\/\/127\.0\.0\.1:\d+) \(engine: ([^)]+)\)$/m;
const SERVE_TIMEOUT = { timeout: 300_000 } as const;

let pkgDir: string;
let heldOut: TinyRow[];
let server: RunningPipe;
let base: string;

/** Starts `pipe serve ARGS --port 0` in `cwd`; resolves to the base URL once it prints its ready line. */
async function serve(cwd: string, args: string[], env: Record<string, string> = {}): Promise<{ running: RunningPipe; url: string }> {
  const running = startPipe(cwd, ['serve', ...args, '--port', '0'], { env });
  await running.waitForStdout(READY, 240_000);
  return { running, url: READY.exec(running.stdout())?.[2] ?? '' };
}

async function stop(running: RunningPipe | undefined): Promise<void> {
  if (!running) return;
  running.child.kill('SIGTERM');
  await running.done;
}

const post = (url: string, body: unknown) => fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

beforeAll(async () => {
  await forFile(async () => {
    pkgDir = join(tempDir('pipe-serve-e2e-'), 'tiny');
    heldOut = await writeTinyPackage(pkgDir);
  });
  ({ running: server, url: base } = await serve(pkgDir, [pkgDir]));
}, 300_000);

afterAll(async () => {
  await stop(server);
  await removeRepos();
});

describe('pipe serve DIR', SERVE_TIMEOUT, () => {
  it('prints its address only once ready, and answers with the typed-array engine', async () => {
    expect(server.stdout()).toMatch(READY);
    expect(READY.exec(server.stdout())?.[3]).toBe('typed-array');
    expect(server.stderr()).toMatch(/^tfjs backend: (wasm|tensorflow) /m);
    expect((await fetch(`${base}/health/ready`)).status).toBe(200);
  });

  it('gives the probabilities of training’s code path (featurize’s transformRow, evaluate’s predictMatrix) to 1e-6', async () => {
    // The evaluate stage's path: the package loaded with tfjs, rows preprocessed as featurize writes them, then predictMatrix.
    const pkg = await loadModelPackage(pkgDir);
    const width = pkg.preprocessing.features.length;
    const x = new Float32Array(heldOut.length * width);
    heldOut.forEach((row, r) => x.set(transformRow(pkg.preprocessing, (c) => row[c]), r * width));
    const training = Array.from(await pkg.predictMatrix(x, heldOut.length));
    pkg.dispose();

    const batch = (await (await post(`${base}/predict/batch`, heldOut)).json()) as { results: { index: number; probability: number }[]; invalid: number };
    expect(batch.invalid).toBe(0);
    const served = batch.results.map((r) => r.probability);
    expect(served).toHaveLength(heldOut.length);
    served.forEach((p, i) => expect(Math.abs(p - (training[i] as number)), `row ${i}`).toBeLessThanOrEqual(1e-6));
    for (const i of [0, 7, 13]) {
      const one = (await (await post(`${base}/predict`, heldOut[i])).json()) as { probability: number };
      expect(Math.abs(one.probability - (training[i] as number)), `row ${i} alone`).toBeLessThanOrEqual(1e-6);
    }
    // The rows are not all alike, so agreeing means something.
    expect(new Set(served.map((p) => p.toFixed(3))).size).toBeGreaterThan(10);
  });

  it('exposes metrics that promtool check metrics accepts', async (ctx) => {
    if (spawnSync('promtool', ['--version'], { stdio: 'ignore' }).status !== 0) {
      ctx.skip(true, 'promtool is not installed (Debian package prometheus; .ci/run installs it)');
      return;
    }
    await post(`${base}/predict`, { age: 200, plan: 'basic' });
    const text = await (await fetch(`${base}/metrics`)).text();
    expect(text).toContain('pipe_serve_request_duration_seconds_bucket');
    const check = spawnSync('promtool', ['check', 'metrics'], { input: text, encoding: 'utf8' });
    expect(`${check.status} ${check.stdout}${check.stderr}`.trim()).toBe('0');
  });

  it('watches drift against the package’s reference profile: a shifted feature’s PSI rises above 0.1, the others do not', async () => {
    expect(server.stderr()).toMatch(/^drift: against the package's reference profile, over the last 1000 rows$/m);
    const before = await (await fetch(`${base}/metrics`)).text();
    expect(before).toMatch(/^pipe_serve_drift_window_rows \d+$/m);
    // Fewer rows than the monitor needs: no PSI at all, rather than a 0 that reads as 'no drift'.
    expect(before).not.toMatch(/^pipe_serve_(prediction|feature)_drift_psi/m);
    // 200 rows like training's but everyone is 90: age shifts, spend and plan do not.
    const shifted = tinyRows(200, 5000).map((r) => ({ ...r, age: 90 }));
    expect((await post(`${base}/predict/batch`, shifted)).status).toBe(200);
    const text = await (await fetch(`${base}/metrics`)).text();
    const psi = (feature: string) => Number(new RegExp(`^pipe_serve_feature_drift_psi\\{feature="${feature}"\\} (\\S+)$`, 'm').exec(text)?.[1]);
    expect(psi('age')).toBeGreaterThan(0.1);
    expect(psi('plan')).toBeLessThan(0.1);
    expect(text).toMatch(/^pipe_serve_prediction_drift_psi\{output="probability"\} \d/m);
    expect(text).toMatch(/^pipe_serve_drifted_features_ratio (0\.3+\d*|0\.6+\d*)$/m);
  });

  it('stops on SIGTERM with exit 0', async () => {
    const { running } = await serve(pkgDir, [pkgDir]);
    running.child.kill('SIGTERM');
    const r = await running.done;
    expect([r.code, r.stderr]).toEqual([0, expect.stringContaining('pipe serve: stopped')]);
  });
});

describe('pipe serve with API keys and a rate limit', SERVE_TIMEOUT, () => {
  it('refuses a missing or unknown key with 401, limits each key with 429 and RateLimit fields, logs a JSON line per request without the key, and drains on SIGTERM', async () => {
    const key = 'k3y-for-tests_1';
    const { running, url } = await serve(pkgDir, [pkgDir, '--rate-limit', '2/min'], { PIPE_SERVE_API_KEYS: key });
    try {
      expect(running.stderr()).toMatch(/^auth: bearer API keys \(1 key\); health and \/metrics open$/m);
      const none = await post(`${url}/predict`, heldOut[0]);
      expect([none.status, none.headers.get('www-authenticate')]).toEqual([401, 'Bearer realm="pipe"']);
      expect(((await none.json()) as { code: string }).code).toBe('API_KEY_MISSING');
      const call = () => fetch(`${url}/predict`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${key}`, 'x-request-id': 'req-42' }, body: JSON.stringify(heldOut[0]) });
      const first = await call();
      expect([first.status, first.headers.get('x-request-id'), first.headers.get('ratelimit-limit')]).toEqual([200, 'req-42', '2']);
      expect((await call()).status).toBe(200);
      const limited = await call();
      expect(limited.status).toBe(429);
      expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
      expect((await fetch(`${url}/health/ready`)).status).toBe(200);
      // The access log writes in batches (at most 50 ms after an answer).
      const logLines = () => running.stdout().split('\n').filter((l) => l.startsWith('{'));
      await waitUntil(() => logLines().length >= 4, 'the four requests\' log lines');
      const lines = logLines();
      expect(running.stdout()).not.toContain(key);
      expect(lines.map((l) => (JSON.parse(l) as { status: number; route: string }).status)).toEqual(expect.arrayContaining([401, 200, 429]));
    } finally {
      running.child.kill('SIGTERM');
      const r = await running.done;
      expect([r.code, r.stderr]).toEqual([0, expect.stringContaining('pipe serve: stopped')]);
      // After the drain every /predict answered has its line: 401, 200, 200, 429.
      expect(running.stdout().split('\n').filter((l) => l.includes('"route":"/predict"'))).toHaveLength(4);
    }
  });
});

describe('a model that cannot be served exits 2 before listening', SERVE_TIMEOUT, () => {
  const broken = (change: (dir: string) => void) => {
    const dir = join(tempDir(), 'broken');
    cpSync(pkgDir, dir, { recursive: true });
    change(dir);
    return dir;
  };

  it('names the file when the schema and the preprocessing disagree', async () => {
    const dir = broken((d) => {
      const schema = JSON.parse(readFileSync(join(d, 'feature-schema.json'), 'utf8')) as { properties: Record<string, unknown> };
      schema.properties.colour = { type: 'string' };
      writeFileSync(join(d, 'feature-schema.json'), JSON.stringify(schema));
    });
    const r = await runPipe(dir, ['serve', dir, '--port', '0']);
    expect([r.code, r.stdout]).toEqual([2, '']);
    expect(r.stderr).toContain(`error: ${join(dir, 'feature-schema.json')}: its properties and the steps of preprocessing.json name different columns (only in feature-schema.json: colour)`);
  });

  it('names the weights file when it is absent', async () => {
    const dir = broken((d) => rmSync(join(d, 'weights.bin')));
    const r = await runPipe(dir, ['serve', dir, '--port', '0']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^error: .*weights\.bin/m);
    expect(r.stderr).not.toMatch(/internal error|\n\s+at /);
  });

  it('says what a MODEL that is neither a directory, a reference nor a revision is', async () => {
    const r = await runPipe(tempDir(), ['serve', 'nowhere']);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe("error: cannot serve 'nowhere': there is no such directory, and no pipeline here to resolve it as a model reference or revision in\n");
  });

  it('refuses a bad --port', async () => {
    const r = await runPipe(tempDir(), ['serve', pkgDir, '--port', 'http']);
    expect([r.code, r.stderr]).toEqual([2, "error: --port takes a port number 0–65535 (0: any free port), not 'http' (pipe serve)\n"]);
  });
});

describe('the workspace artifact and registry references', SERVE_TIMEOUT, () => {
  const HASH = `sha256:${'ab'.repeat(32)}.dir`;
  const lock = (hash: string) => `schema: 1\nstages:\n  train:\n    cmd: 'true'\n    deps: []\n    params: {}\n    outs:\n      - path: models/churn\n        hash: ${hash}\n        size: 1\n        nfiles: 5\n`;
  const git = (dir: string, args: string[]) =>
    execFileSync('git', ['-c', 'user.name=Ann', '-c', 'user.email=ann@example.com', ...args], { cwd: dir, encoding: 'utf8' }).trim();

  function workspace(): string {
    const repo = makeRepo({
      'pipeline.yaml': "stages:\n  train:\n    cmd: 'true'\n    outs: [models/churn]\nartifacts:\n  churn:\n    path: models/churn\n    type: model\n",
      'data.lock': lock(HASH),
    });
    git(repo.dir, ['add', 'pipeline.yaml', 'data.lock']);
    git(repo.dir, ['commit', '-qm', 'train']);
    git(repo.dir, ['tag', '-a', 'churn@v1.0.0', '-m', 'Registering artifact churn version v1.0.0']);
    git(repo.dir, ['tag', '-a', 'churn#prod#1', '-m', 'Assigning stage prod to artifact churn version v1.0.0']);
    return repo.dir;
  }

  it('says how to get the default artifact when it is not in the workspace', async () => {
    const r = await runPipe(workspace(), ['serve']);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      "error: the workspace's 'churn' artifact (models/churn) is not in the workspace; get it with 'pipe checkout models/churn' (after 'pipe pull' on a fresh clone) or train it with 'pipe repro'\n",
    );
  });

  /** A repository whose train stage copies the tiny package into models/churn, run, committed, registered as v0.0.1 and assigned prod. */
  async function trained(): Promise<{ dir: string; commit: string; hash: string }> {
    const origin = makeRepo({
      'pipeline.yaml': `stages:\n  train:\n    cmd: mkdir -p models && cp -r '${pkgDir}' models/churn\n    outs: [models/churn]\nartifacts:\n  churn: {path: models/churn, type: model}\n`,
    });
    expect((await runPipe(origin.dir, ['repro'])).code).toBe(0);
    git(origin.dir, ['add', '-A']);
    git(origin.dir, ['commit', '-qm', 'train']);
    for (const args of [['model', 'register', 'churn'], ['model', 'assign', 'churn', '--stage', 'prod']]) expect((await runPipe(origin.dir, args, { env: { GIT_COMMITTER_NAME: 'Ann', GIT_COMMITTER_EMAIL: 'ann@example.com' } })).code).toBe(0);
    const hash = /hash: (sha256:[0-9a-f]{64}\.dir)/.exec(readFileSync(join(origin.dir, 'data.lock'), 'utf8'))?.[1] ?? '';
    return { dir: origin.dir, commit: git(origin.dir, ['rev-parse', 'HEAD']), hash };
  }

  /** Halves every weight of the package in `dir`: the same files, other answers. */
  function editWeights(dir: string): void {
    const file = join(dir, 'weights.bin');
    const bytes = readFileSync(file);
    const w = new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
    for (let i = 0; i < w.length; i++) w[i] = (w[i] as number) * 0.5;
    rmSync(file, { force: true });
    writeFileSync(file, Buffer.from(w.buffer));
  }

  it('serves churn#prod from the workspace when it holds that version, with version, stage, commit and hash in /model', async () => {
    const { dir, commit, hash } = await trained();
    const { running, url } = await serve(dir, ['churn#prod']);
    try {
      expect(running.stdout()).toMatch(/^Serving churn v0\.0\.1 at /m);
      const model = (await (await fetch(`${url}/model`)).json()) as Record<string, unknown>;
      expect(model).toMatchObject({ name: 'churn', version: 'v0.0.1', stage: 'prod', commit, hash, source: 'registry', path: join(dir, 'models', 'churn') });
      const p = (await (await post(`${url}/predict`, heldOut[0])).json()) as { model: unknown };
      expect(p.model).toEqual({ name: 'churn', version: 'v0.0.1' });
      const metrics = await (await fetch(`${url}/metrics`)).text();
      expect(metrics).toContain(`pipe_serve_model_info{name="churn",version="v0.0.1",commit="${commit}",stage="prod",`);
    } finally {
      await stop(running);
    }
  });

  it('never serves edited workspace files as a registry version; the workspace artifact edited is served as it is, claiming no commit', async () => {
    const { dir, commit, hash } = await trained();
    const original = await serve(dir, ['churn#prod']);
    const before = (await (await post(`${original.url}/predict`, heldOut[0])).json()) as { probability: number };
    await stop(original.running);
    editWeights(join(dir, 'models', 'churn'));

    // churn#prod is v0.0.1's files, from the cache, whatever the workspace holds now.
    const versioned = await serve(dir, ['churn#prod']);
    try {
      const model = (await (await fetch(`${versioned.url}/model`)).json()) as { path: string; hash: string; version: string };
      expect([model.version, model.hash]).toEqual(['v0.0.1', hash]);
      expect(model.path).not.toBe(join(dir, 'models', 'churn'));
      const p = (await (await post(`${versioned.url}/predict`, heldOut[0])).json()) as { probability: number };
      expect(p.probability).toBe(before.probability);
    } finally {
      await stop(versioned.running);
    }

    // `pipe serve` (the workspace's artifact) serves the edited files, says so, and claims nothing of data.lock's for them.
    const edited = await serve(dir, []);
    try {
      expect(edited.running.stderr()).toContain("model: the workspace's models/churn differs from what data.lock records (edited, or not checked out): serving its files as they are");
      const model = (await (await fetch(`${edited.url}/model`)).json()) as Record<string, unknown>;
      expect(model).toMatchObject({ version: null, commit: null, source: 'workspace', metrics: null });
      expect(model.hash).toMatch(/^sha256:[0-9a-f]{64}\.dir$/);
      expect([model.hash === hash, model.commit === commit]).toEqual([false, false]);
      const p = (await (await post(`${edited.url}/predict`, heldOut[0])).json()) as { probability: number };
      expect(p.probability).not.toBe(before.probability);
    } finally {
      await stop(edited.running);
    }
  });

  it('in a fresh clone, serves churn#prod by fetching only its objects from the remote, verified', async () => {
    // The origin trains (copies the tiny package), pushes to a directory remote, registers and assigns prod.
    const origin = makeRepo({
      'pipeline.yaml': `stages:\n  train:\n    cmd: mkdir -p models && cp -r '${pkgDir}' models/churn\n    outs: [models/churn]\nartifacts:\n  churn: {path: models/churn, type: model}\n`,
    });
    const remote = tempDir('pipe-serve-remote-');
    for (const args of [['repro'], ['remote', 'add', 'store', remote, '--default'], ['push']]) expect((await runPipe(origin.dir, args)).code).toBe(0);
    git(origin.dir, ['add', '-A']);
    git(origin.dir, ['commit', '-qm', 'train']);
    for (const args of [['model', 'register', 'churn'], ['model', 'assign', 'churn', '--stage', 'prod']]) expect((await runPipe(origin.dir, args, { env: { GIT_COMMITTER_NAME: 'Ann', GIT_COMMITTER_EMAIL: 'ann@example.com' } })).code).toBe(0);
    const clone = join(tempDir('pipe-serve-clone-'), 'clone');
    execFileSync('git', ['clone', '-q', origin.dir, clone]);

    const { running, url } = await serve(clone, ['churn#prod']);
    try {
      expect(running.stdout()).toMatch(/^Serving churn v0\.0\.1 at /m);
      const model = (await (await fetch(`${url}/model`)).json()) as Record<string, unknown>;
      expect(model).toMatchObject({ name: 'churn', version: 'v0.0.1', stage: 'prod', source: 'registry' });
      const p = (await (await post(`${url}/predict`, heldOut[0])).json()) as { probability: number };
      expect(typeof p.probability).toBe('number');
    } finally {
      await stop(running);
    }
  });

  it('says what is wrong with a reference that names nothing', async () => {
    const r = await runPipe(workspace(), ['serve', 'churn#staging']);
    expect([r.code, r.stderr]).toEqual([2, "error: cannot serve churn#staging: no version of 'churn' is in stage 'staging'; 'pipe model show' lists the registry\n"]);
  });
});
