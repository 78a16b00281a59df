import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { tempDir } from '../../test/helpers/temp-dir.js';
import { alertRules, DEFAULTS, monitoringFiles, type MonitoredService, type Panel } from './index.js';

const SERVICE: MonitoredService = { model: 'tiny', features: ['age', 'spend', 'plan'], ...DEFAULTS };
const HAS_PROMTOOL = spawnSync('promtool', ['--version'], { stdio: 'ignore' }).status === 0;
const NO_PROMTOOL = 'promtool is not installed (Debian package prometheus; .ci/run installs it)';

/** The generated files in a new directory. */
function written(files = monitoringFiles(SERVICE)): string {
  const dir = tempDir('pipe-monitoring-');
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(join(dir, path, '..'), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  return dir;
}

const promtool = (dir: string, ...args: string[]) => {
  const r = spawnSync('promtool', args, { cwd: dir, encoding: 'utf8' });
  return { code: r.status, output: `${r.stdout}${r.stderr}` };
};

const dashboard = () => JSON.parse(monitoringFiles(SERVICE)['grafana/dashboards/tiny-service.json'] as string) as { uid: string; title: string; schemaVersion: number; panels: Panel[]; templating: { list: { name: string }[] } };
const queryPanels = () => dashboard().panels.filter((p) => p.type !== 'row');
const exprs = () => queryPanels().flatMap((p) => (p.targets as { expr: string }[]).map((t) => t.expr));

/** Every metric name the service exports (serve/metrics.ts), those of the canary and shadow (issue 17 item 3), and prom-client's process metrics the dashboard reads. */
function knownMetrics(): Set<string> {
  const source = readFileSync(join(import.meta.dirname, '..', 'metrics.ts'), 'utf8');
  const own = [...source.matchAll(/\$\{METRIC_PREFIX\}(\w+)`/g)].map((m) => m[1] as string);
  const canary = ['canary_state', 'canary_rollbacks_total', 'scoring_duration_seconds', 'shadow_predictions_total', 'model_reloads_total'];
  const defaults = ['process_cpu_seconds_total', 'nodejs_eventloop_lag_p99_seconds'];
  const names = [...own, ...canary, ...defaults].map((n) => `pipe_serve_${n}`);
  return new Set(names.flatMap((n) => [n, `${n}_bucket`, `${n}_count`, `${n}_sum`]));
}

describe('alerts.yml and alerts.test.yml', () => {
  it('name every alert the issue asks for, each with for:, a severity, a summary, a description and its runbook section', () => {
    const rules = (parse(monitoringFiles(SERVICE)['alerts.yml'] as string) as { groups: { rules: Record<string, unknown>[] }[] }).groups[0]?.rules ?? [];
    expect(rules.map((r) => r.alert)).toEqual(['PipeServeDown', 'PipeServeNotReady', 'PipeServeHighLatency', 'PipeServeErrors', 'PipeServeFeatureDrift', 'PipeServePredictionDrift', 'PipeServeDatasetDrift', 'PipeServeCanaryRolledBack', 'PipeServeNoTraffic']);
    for (const r of rules) {
      expect(r.for, String(r.alert)).toMatch(/^\d+m$/);
      expect(r.labels, String(r.alert)).toMatchObject({ severity: expect.stringMatching(/^(critical|warning)$/) });
      expect(r.annotations, String(r.alert)).toEqual({ summary: expect.any(String), description: expect.any(String), runbook_url: `docs/runbook.md#${String(r.alert).toLowerCase()}` });
    }
  });

  it('every runbook link has its section in docs/runbook.md', () => {
    const runbook = readFileSync(join(import.meta.dirname, '..', '..', 'docs', 'runbook.md'), 'utf8');
    for (const rule of alertRules(SERVICE)) expect(runbook, rule.alert).toMatch(new RegExp(`^## ${rule.alert}$`, 'm'));
  });

  it('pass promtool check rules and promtool test rules (each alert quiet, then firing for exactly its series)', (ctx) => {
    if (!HAS_PROMTOOL) return ctx.skip(true, NO_PROMTOOL);
    const dir = written();
    expect(promtool(dir, 'check', 'rules', 'alerts.yml')).toEqual({ code: 0, output: expect.stringContaining('SUCCESS: 9 rules found') });
    expect(promtool(dir, 'test', 'rules', 'alerts.test.yml')).toEqual({ code: 0, output: expect.stringContaining('SUCCESS') });
    expect(promtool(dir, 'check', 'config', 'prometheus.yml')).toEqual({ code: 0, output: expect.stringContaining('SUCCESS: 1 rule files found') });
  });

  it('fail when a rule loses its for:, or fires on the series that should not fire it', (ctx) => {
    if (!HAS_PROMTOOL) return ctx.skip(true, NO_PROMTOOL);
    const original = monitoringFiles(SERVICE)['alerts.yml'] as string;
    for (const rule of alertRules(SERVICE)) {
      const immediate = original.replace(new RegExp(`(- alert: ${rule.alert}\\n.*\\n\\s+for: )\\d+m`), '$10s');
      expect(immediate, rule.alert).not.toBe(original);
      const r = promtool(written({ ...monitoringFiles(SERVICE), 'alerts.yml': immediate }), 'test', 'rules', 'alerts.test.yml');
      expect([rule.alert, r.code, r.output]).toEqual([rule.alert, 1, expect.stringContaining(`alertname: ${rule.alert}`)]);
    }
    // A drift threshold under b's PSI (0.0625) fires on b too.
    const low = original.replaceAll('>= 0.1', '>= 0.05');
    const r = promtool(written({ ...monitoringFiles(SERVICE), 'alerts.yml': low }), 'test', 'rules', 'alerts.test.yml');
    expect(r.code).toBe(1);
    expect(r.output).toMatch(/alertname: PipeServeFeatureDrift[\s\S]*instance="b:8080"/);
  });
});

describe('the Grafana dashboard', () => {
  it('has what Grafana needs: a uid of 8–40 characters, a title, unique panel ids, panels inside the 24-column grid that do not overlap', () => {
    const d = dashboard();
    expect(d.uid).toMatch(/^[a-z0-9-]{8,40}$/);
    expect([d.title, d.schemaVersion]).toEqual(['tiny service', 39]);
    const ids = d.panels.map((p) => p.id);
    expect(new Set(ids).size).toBe(ids.length);
    const cells = new Set<string>();
    for (const p of d.panels) {
      const { x, y, w, h } = p.gridPos;
      expect(x + w, p.title).toBeLessThanOrEqual(24);
      for (let i = x; i < x + w; i++) for (let j = y; j < y + h; j++) {
        expect(cells.has(`${i},${j}`), `${p.title} overlaps at ${i},${j}`).toBe(false);
        cells.add(`${i},${j}`);
      }
    }
    expect(d.templating.list.map((v) => v.name)).toEqual(['datasource', 'instance', 'route']);
  });

  it('queries the data source variable from every panel and target, each target with a refId and an expression', () => {
    for (const p of queryPanels()) {
      expect(p.datasource, p.title).toEqual({ type: 'prometheus', uid: '${datasource}' });
      const targets = p.targets as { refId: string; expr: string; datasource: unknown }[];
      expect(targets.length, p.title).toBeGreaterThan(0);
      for (const t of targets) expect([t.refId, t.datasource, t.expr.length > 0]).toEqual([expect.stringMatching(/^[A-Z]$/), p.datasource, true]);
    }
  });

  it('has the golden signals, the versions side by side, the score distribution and one drift panel per feature of the schema', () => {
    const titles = queryPanels().map((p) => p.title);
    expect(titles).toEqual(expect.arrayContaining(['Traffic by route', 'Errors', 'Latency', 'Saturation', 'Rows scored by version and role', 'Score distribution', 'Drift: age', 'Drift: spend', 'Drift: plan']));
    expect(titles.filter((t) => t.startsWith('Drift: '))).toHaveLength(3);
    const drift = queryPanels().find((p) => p.title === 'Drift: spend');
    expect((drift?.targets as { expr: string }[])[0]?.expr).toContain('feature="spend"');
    const latency = queryPanels().find((p) => p.title === 'Latency');
    expect((latency?.targets as { legendFormat: string }[]).map((t) => t.legendFormat)).toEqual(['p50', 'p95', 'p99']);
  });

  it('reads only metrics the service exports', () => {
    const known = knownMetrics();
    const used = [...exprs(), ...alertRules(SERVICE).map((r) => r.expr)].flatMap((e) => [...e.matchAll(/\bpipe_serve_\w+/g)].map((m) => m[0]));
    expect(used.filter((name) => !known.has(name))).toEqual([]);
  });

  it('has PromQL that Prometheus parses (each expression checked by promtool as a recording rule)', (ctx) => {
    if (!HAS_PROMTOOL) return ctx.skip(true, NO_PROMTOOL);
    const concrete = exprs().map((e) => e.replaceAll('$__rate_interval', '5m').replaceAll('$instance', '.*').replaceAll('$route', '.*'));
    const rules = { groups: [{ name: 'dashboard', rules: concrete.map((expr, i) => ({ record: `dashboard:expr_${i}`, expr })) }] };
    const dir = tempDir('pipe-monitoring-exprs-');
    writeFileSync(join(dir, 'exprs.yml'), JSON.stringify(rules));
    expect(promtool(dir, 'check', 'rules', 'exprs.yml')).toEqual({ code: 0, output: expect.stringContaining(`SUCCESS: ${concrete.length} rules found`) });
    // The check can fail: a broken expression is refused.
    writeFileSync(join(dir, 'bad.yml'), JSON.stringify({ groups: [{ name: 'd', rules: [{ record: 'd:bad', expr: 'sum by (le (rate(x[5m]))' }] }] }));
    expect(promtool(dir, 'check', 'rules', 'bad.yml').code).toBe(1);
  });
});

describe('docker-compose.yml and the provisioning', () => {
  it('mount only files that are generated, and scrape the compose service', () => {
    const files = monitoringFiles(SERVICE);
    const compose = parse(files['docker-compose.yml'] as string) as { services: Record<string, { volumes?: string[]; build?: string }> };
    expect(compose.services.service?.build).toBe('./service');
    const mounts = Object.values(compose.services).flatMap((s) => s.volumes ?? []).filter((v) => v.startsWith('./')).map((v) => v.split(':')[0]?.slice(2) ?? '');
    for (const m of mounts) expect(Object.keys(files).some((f) => f === m || f.startsWith(`${m}/`)), m).toBe(true);
    expect(parse(files['prometheus.yml'] as string)).toMatchObject({ scrape_configs: [{ job_name: 'tiny-service', static_configs: [{ targets: ['service:8080'] }] }] });
    expect(parse(files['grafana/datasources.yml'] as string)).toMatchObject({ apiVersion: 1, datasources: [{ type: 'prometheus', uid: 'pipe-prometheus', url: 'http://prometheus:9090' }] });
    expect(parse(files['grafana/dashboards.yml'] as string)).toMatchObject({ apiVersion: 1, providers: [{ type: 'file', options: { path: '/var/lib/grafana/dashboards/pipe' } }] });
  });
});
