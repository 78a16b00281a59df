/**
 * @module `pipe serve monitoring` as a user runs it: the files it writes from a model package's
 * feature schema, what it refuses (exit 2), and the generated prometheus.yml and alerts.yml loaded
 * by a real Prometheus (Debian's /usr/bin/prometheus) that scrapes a running `pipe serve` under
 * traffic: the drift and latency series read back through Prometheus' HTTP API.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TINY_SCHEMA, TINY_SPEC, tinyRows, writeTinyPackage } from '../helpers/model-package.js';
import { runPipe, startPipe, type RunningPipe } from '../helpers/pipe.js';
import { forFile, removeFileDirs, tempDir } from '../helpers/temp-dir.js';

const TIMEOUT = { timeout: 300_000 } as const;
const PROMETHEUS = '/usr/bin/prometheus';
const READY = /^Serving (\S+).* at (http:\/\/127\.0\.0\.1:(\d+)) \(engine: ([^)]+)\)$/m;

/** A model package with what the command reads (no weights: it never loads TF.js). */
function schemaOnlyPackage(): string {
  const dir = join(tempDir('pipe-monitoring-pkg-'), 'tiny');
  mkdirSync(dir);
  writeFileSync(join(dir, 'metadata.json'), JSON.stringify({ format: 'tfjs-layers-model', model: 'tiny', files: { model: 'model.json', preprocessing: 'preprocessing.json', feature_schema: 'feature-schema.json' } }));
  writeFileSync(join(dir, 'preprocessing.json'), JSON.stringify(TINY_SPEC));
  writeFileSync(join(dir, 'feature-schema.json'), JSON.stringify(TINY_SCHEMA));
  return dir;
}

describe('pipe serve monitoring MODEL -o DIR', TIMEOUT, () => {
  it("writes the scrape config, the rules and their tests, the dashboard with a drift panel per feature, the provisioning and docker-compose.yml; replaces its own files and leaves the others", async () => {
    const pkg = schemaOnlyPackage();
    const out = join(tempDir(), 'monitoring');
    mkdirSync(out);
    writeFileSync(join(out, 'alerts.yml'), 'stale\n');
    writeFileSync(join(out, 'notes.txt'), 'mine\n');
    const r = await runPipe(pkg, ['serve', 'monitoring', pkg, '-o', out]);
    expect([r.code, r.stderr]).toEqual([0, '']);
    expect(r.stdout).toContain(`Wrote the monitoring of tiny (3 features) to ${out}: prometheus.yml, alerts.yml, alerts.test.yml, grafana/datasources.yml, grafana/dashboards.yml, grafana/dashboards/tiny-service.json, docker-compose.yml`);
    for (const f of ['prometheus.yml', 'alerts.test.yml', 'grafana/datasources.yml', 'grafana/dashboards.yml', 'docker-compose.yml']) expect(existsSync(join(out, f)), f).toBe(true);
    expect(readFileSync(join(out, 'alerts.yml'), 'utf8')).toContain('alert: PipeServeFeatureDrift');
    expect(readFileSync(join(out, 'notes.txt'), 'utf8')).toBe('mine\n');
    const dashboard = JSON.parse(readFileSync(join(out, 'grafana/dashboards/tiny-service.json'), 'utf8')) as { panels: { title: string }[] };
    expect(dashboard.panels.map((p) => p.title).filter((t) => t.startsWith('Drift: '))).toEqual(['Drift: age', 'Drift: spend', 'Drift: plan']);
  });

  it('refuses a MODEL that is not there, a package without a schema, a missing -o, a bad --target and a file as DIR, with exit 2', async () => {
    const cwd = tempDir();
    const nowhere = await runPipe(cwd, ['serve', 'monitoring', 'nowhere', '-o', 'out']);
    expect([nowhere.code, nowhere.stderr]).toEqual([2, expect.stringContaining("error: cannot serve 'nowhere': there is no such directory")]);
    const pkg = schemaOnlyPackage();
    const broken = join(pkg, '..', 'broken');
    mkdirSync(broken);
    writeFileSync(join(broken, 'metadata.json'), readFileSync(join(pkg, 'metadata.json')));
    const noSchema = await runPipe(cwd, ['serve', 'monitoring', broken, '-o', 'out']);
    expect([noSchema.code, noSchema.stderr]).toEqual([2, expect.stringMatching(/^error: .*feature-schema\.json: missing \(metadata\.json lists it\)/)]);
    const noOut = await runPipe(cwd, ['serve', 'monitoring', pkg]);
    expect([noOut.code, noOut.stderr]).toEqual([2, 'error: --out is required: pipe serve monitoring needs -o DIR, the directory to write the files to (pipe serve monitoring)\n']);
    const target = await runPipe(cwd, ['serve', 'monitoring', pkg, '-o', 'out', '--target', 'http://x']);
    expect([target.code, target.stderr]).toEqual([2, "error: --target takes HOST:PORT, the address Prometheus scrapes (service:8080), not 'http://x' (pipe serve monitoring)\n"]);
    writeFileSync(join(cwd, 'file'), '');
    const file = await runPipe(cwd, ['serve', 'monitoring', pkg, '-o', 'file']);
    expect([file.code, file.stderr]).toEqual([2, 'error: file is a file; -o takes the directory to write the monitoring files to (pipe serve monitoring)\n']);
    expect(existsSync(join(cwd, 'out'))).toBe(false);
  });
});

/** A port free now (Prometheus takes no port 0 that it reports back). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

interface Sample {
  metric: Record<string, string>;
  value: [number, string];
}

describe('Prometheus scraping pipe serve with the generated config', TIMEOUT, () => {
  const hasPrometheus = existsSync(PROMETHEUS);
  let served: RunningPipe | undefined;
  let prometheus: ChildProcess | undefined;
  let prometheusExit: Promise<void> | undefined;
  let prometheusLog = '';
  let api = '';
  let service = '';

  beforeAll(async () => {
    if (!hasPrometheus) return;
    await forFile(async () => {
      const pkg = join(tempDir('pipe-monitoring-e2e-'), 'tiny');
      await writeTinyPackage(pkg);
      served = startPipe(pkg, ['serve', pkg, '--port', '0', '--no-access-log'], { timeoutMs: 280_000 });
      await served.waitForStdout(READY, 240_000);
      const match = READY.exec(served.stdout());
      service = match?.[2] ?? '';
      const out = join(pkg, '..', 'monitoring');
      const r = await runPipe(pkg, ['serve', 'monitoring', pkg, '-o', out, '--target', `127.0.0.1:${match?.[3]}`, '--scrape-interval', '1s']);
      expect([r.code, r.stderr]).toEqual([0, '']);
      const port = await freePort();
      api = `http://127.0.0.1:${port}/api/v1`;
      prometheus = spawn(PROMETHEUS, [`--config.file=${join(out, 'prometheus.yml')}`, `--storage.tsdb.path=${join(pkg, '..', 'tsdb')}`, `--web.listen-address=127.0.0.1:${port}`], { stdio: ['ignore', 'ignore', 'pipe'] });
      prometheus.stderr?.setEncoding('utf8').on('data', (c: string) => (prometheusLog = (prometheusLog + c).slice(-20_000)));
      prometheusExit = new Promise((resolve) => prometheus?.once('exit', () => resolve()));
    });
  }, 300_000);

  afterAll(async () => {
    prometheus?.kill('SIGTERM');
    await prometheusExit;
    if (served) {
      served.child.kill('SIGTERM');
      await served.done;
    }
    await removeFileDirs();
  });

  const query = async (promql: string): Promise<Sample[]> => {
    const res = await fetch(`${api}/query?query=${encodeURIComponent(promql)}`);
    const body = (await res.json()) as { status: string; data?: { result: Sample[] }; error?: string };
    if (body.status !== 'success') throw new Error(`${promql}: ${body.error ?? res.status}`);
    return body.data?.result ?? [];
  };

  /** Polls `promql` until `ok` holds of its result, sending traffic meanwhile (a rate needs two scrapes that saw requests). */
  const eventually = async (promql: string, ok: (r: Sample[]) => boolean): Promise<Sample[]> => {
    let last: Sample[] = [];
    let done = false;
    const traffic = (async () => {
      for (let i = 0; !done; i++) {
        await fetch(`${service}/predict`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(tinyRows(1, 9000 + (i % 50))[0]) }).catch(() => undefined);
        await new Promise((r) => setTimeout(r, 50));
      }
    })();
    // A hang detector sized for a loaded machine: scrapes are every second.
    const deadline = Date.now() + 120_000;
    while (!ok(last) && Date.now() < deadline) {
      last = await query(promql).catch(() => []);
      if (!ok(last)) await new Promise((r) => setTimeout(r, 500));
    }
    done = true;
    await traffic;
    expect(ok(last), `${promql} (last: ${JSON.stringify(last)}; Prometheus: ${prometheusLog.slice(-2000)})`).toBe(true);
    return last;
  };

  it('loads the generated rules and scrapes the service', async (ctx) => {
    if (!hasPrometheus) return ctx.skip(true, `${PROMETHEUS} is not installed (Debian package prometheus; .ci/run installs it)`);
    const up = await eventually('up{job="tiny-service"}', (r) => r[0]?.value[1] === '1');
    expect(up[0]?.metric.instance).toBe(new URL(service).host);
    const rules = (await (await fetch(`${api}/rules`)).json()) as { data: { groups: { name: string; rules: { name: string; health: string }[] }[] } };
    expect(rules.data.groups.map((g) => [g.name, g.rules.length, g.rules.every((r) => r.health !== 'err')])).toEqual([['tiny-service', 9, true]]);
  });

  it('reads back the drift of a shifted feature above 0.1, an unshifted one below, and a sane p99 latency', async (ctx) => {
    if (!hasPrometheus) return ctx.skip(true, `${PROMETHEUS} is not installed (Debian package prometheus; .ci/run installs it)`);
    // 300 rows like training's but everyone is 90: age drifts, plan does not.
    const shifted = tinyRows(300, 5000).map((r) => ({ ...r, age: 90 }));
    const batch = await fetch(`${service}/predict/batch`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(shifted) });
    expect(batch.status).toBe(200);
    const psi = await eventually('pipe_serve_feature_drift_psi{job="tiny-service"}', (r) => r.some((s) => s.metric.feature === 'age' && Number(s.value[1]) > 0.1));
    const of = (feature: string) => Number(psi.find((s) => s.metric.feature === feature)?.value[1]);
    expect(of('age')).toBeGreaterThan(0.1);
    expect(of('plan')).toBeLessThan(0.1);
    const p99 = await eventually('histogram_quantile(0.99, sum by (le) (rate(pipe_serve_request_duration_seconds_bucket{job="tiny-service", route="/predict"}[30s])))', (r) => Number.isFinite(Number(r[0]?.value[1])));
    const seconds = Number(p99[0]?.value[1]);
    // Within the histogram's buckets (50 µs … 2.5 s): a latency, not NaN or +Inf.
    expect(seconds).toBeGreaterThan(0);
    expect(seconds).toBeLessThanOrEqual(2.5);
  });
});
