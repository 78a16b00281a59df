/** @module `pipe serve monitoring [MODEL] -o DIR`: Prometheus scrape config, alert rules and their promtool tests, a Grafana dashboard and its provisioning, and a docker-compose.yml, generated from the model's feature schema. */
import { PipeError, defineCommand } from '../../runner/command/index.js';
import { DEFAULTS } from '../monitoring/monitored-service.js';

const usage = (flag: string, message: string) => new PipeError('USAGE', `${flag} ${message} (pipe serve monitoring)`, { command: 'serve monitoring', flag });

function targetOf(raw: string | undefined): string {
  if (raw === undefined) return DEFAULTS.target;
  if (!/^[A-Za-z0-9.-]+:\d{1,5}$|^\[[0-9a-fA-F:]+\]:\d{1,5}$/.test(raw)) throw usage('--target', `takes HOST:PORT, the address Prometheus scrapes (service:8080), not '${raw}'`);
  return raw;
}

function intervalOf(raw: string | undefined): string {
  if (raw === undefined) return DEFAULTS.scrapeInterval;
  if (!/^[1-9]\d*(ms|s|m|h)$/.test(raw)) throw usage('--scrape-interval', `takes a Prometheus duration (15s, 1m), not '${raw}'`);
  return raw;
}

function thresholdOf(raw: string | undefined): number {
  if (raw === undefined) return DEFAULTS.driftThreshold;
  const t = Number(raw);
  if (raw.trim() === '' || !(t > 0)) throw usage('--drift-threshold', `takes a PSI above 0 (0.1, 0.2), not '${raw}'`);
  return t;
}

export const serveMonitoring = defineCommand({
  name: 'monitoring',
  summary: "write the model's monitoring: Prometheus config, alert rules and their tests, Grafana dashboard, docker-compose.yml",
  description: `
Writes to DIR, from the feature schema of MODEL (resolved as 'pipe serve' resolves it: a
directory, a registry reference such as churn#prod, a git revision, or the workspace's 'churn'
artifact): prometheus.yml (scrapes the service at --target, loads the rules), alerts.yml (service
down, not ready, p99 latency, 5xx rate, feature drift per feature, prediction drift, data-set
drift, canary rolled back, no traffic; each with for:, a severity and a runbook link),
alerts.test.yml ('promtool test rules alerts.test.yml': every alert quiet, then firing for
exactly the series that should fire it), grafana/dashboards/NAME-service.json (golden signals,
model versions, score distribution, one drift panel per feature), grafana/datasources.yml and
grafana/dashboards.yml (provisioning) and docker-compose.yml (the service that
'pipe serve build -o DIR/service' writes, Prometheus and Grafana). Files are replaced one by one,
atomically; other files in DIR are left alone. See docs/monitoring.md.`,
  options: {
    out: { type: 'string', short: 'o', valueName: 'DIR', help: 'the directory to write the files to (required)' },
    target: { type: 'string', valueName: 'HOST:PORT', help: `the service's address as Prometheus reaches it (default ${DEFAULTS.target}, the compose service)` },
    'scrape-interval': { type: 'string', valueName: 'DURATION', help: `how often Prometheus scrapes and evaluates the rules (default ${DEFAULTS.scrapeInterval})` },
    'drift-threshold': { type: 'string', valueName: 'PSI', help: `the PSI the drift alerts fire at, as given to pipe serve (default ${DEFAULTS.driftThreshold})` },
    'runbook-url': { type: 'string', valueName: 'URL', help: `the runbook the alerts link to, each at its section (default ${DEFAULTS.runbook})` },
  },
  positionals: [{ name: 'model', valueName: 'MODEL' }],
  async run({ options, args, io }) {
    if (options.out === undefined || options.out === '') throw usage('--out', 'is required: pipe serve monitoring needs -o DIR, the directory to write the files to');
    const settings = {
      target: targetOf(options.target),
      scrapeInterval: intervalOf(options['scrape-interval']),
      driftThreshold: thresholdOf(options['drift-threshold']),
      runbook: options['runbook-url'] ?? DEFAULTS.runbook,
    };
    const { writeMonitoring } = await import('../monitoring/write-monitoring.js');
    const { service, files } = await writeMonitoring({ cwd: io.cwd, ...(args.model === undefined ? {} : { reference: args.model }), out: options.out, settings });
    io.out(`Wrote the monitoring of ${service.model} (${service.features.length} features) to ${options.out}: ${files.join(', ')}\n`);
    io.out(`Check the rules: promtool test rules ${options.out}/alerts.test.yml; run the stack: pipe serve build -o ${options.out}/service && docker compose -f ${options.out}/docker-compose.yml up --build\n`);
    return 0;
  },
});
