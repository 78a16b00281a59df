/**
 * @module The alert rules of a served model, each with the series that must fire it and the ones
 * that must not: alerts.yml is made from the rules, alerts.test.yml (promtool test rules) from
 * their fixtures, so a rule and its test cannot drift apart.
 */
import { jobName, runbookUrl, selector, THRESHOLDS, type MonitoredService } from './monitored-service.js';

export interface AlertRule {
  readonly alert: string;
  readonly expr: string;
  readonly for: string;
  readonly labels: Readonly<Record<string, string>> & { readonly severity: 'critical' | 'warning' };
  readonly annotations: { readonly summary: string; readonly description: string; readonly runbook_url: string };
  readonly fixture: AlertFixture;
}

/** Input series at a 1-minute interval; `quiet` times at which nothing fires yet; at `at`, exactly `fires` (labels beyond the rule's, and $value when an annotation prints it). */
export interface AlertFixture {
  readonly series: readonly { readonly series: string; readonly values: string }[];
  readonly quiet: readonly string[];
  readonly at: string;
  readonly fires: readonly { readonly labels: Readonly<Record<string, string>>; readonly value?: number }[];
}

const A = 'a:8080';
const B = 'b:8080';
const C = 'c:8080';
/** Routes that are not the API: Prometheus' own scrapes and probes would dilute the error ratio. */
const NOT_API = 'route!~"/metrics|/health/.+|/v2/health/.+"';
const READY_ROUTES = 'route=~"/health/ready|/v2/health/ready"';

export function alertRules(s: MonitoredService): AlertRule[] {
  const job = jobName(s);
  const sel = (...more: string[]) => selector(s, ...more);
  /** A series of the service on `instance`. */
  const at = (metric: string, instance: string, labels: Record<string, string> = {}) =>
    `${metric}{${Object.entries({ job, instance, ...labels }).map(([k, v]) => `${k}="${v}"`).join(', ')}}`;
  const on = (instance: string, more: Record<string, string> = {}) => ({ labels: { job, instance, ...more } });
  const psi = s.driftThreshold;
  const [first = 'feature', second = first] = s.features;
  const runbook = (alert: string) => runbookUrl(s, alert);
  const list: (Omit<AlertRule, 'annotations'> & { summary: string; description: string })[] = [
    {
      alert: 'PipeServeDown',
      expr: `up${sel()} == 0`,
      for: '2m',
      labels: { severity: 'critical' },
      summary: '{{ $labels.job }} on {{ $labels.instance }} is down',
      description:
        'Prometheus cannot scrape {{ $labels.instance }}: the service is not running, still loading its model (it listens only once the model is loaded and warmed), or unreachable.',
      fixture: {
        series: [
          { series: at('up', A), values: '1 1 0x10' },
          { series: at('up', B), values: '1x12' },
        ],
        quiet: ['0m', '3m'],
        at: '8m',
        fires: [on(A)],
      },
    },
    {
      alert: 'PipeServeNotReady',
      expr: `sum by (job, instance) (rate(pipe_serve_requests_total${sel(READY_ROUTES, 'status!~"2.."')}[5m])) > 0`,
      for: '5m',
      labels: { severity: 'critical' },
      summary: '{{ $labels.job }} on {{ $labels.instance }} answers its readiness probe with an error',
      description:
        'GET /health/ready (or /v2/health/ready) has failed for 5 minutes: the service is draining after a stop signal, or its model is not loaded. Load balancers send it no traffic meanwhile.',
      fixture: {
        series: [
          { series: at('pipe_serve_requests_total', A, { method: 'GET', route: '/health/ready', status: '503' }), values: '0+2x30' },
          { series: at('pipe_serve_requests_total', B, { method: 'GET', route: '/health/ready', status: '200' }), values: '0+2x30' },
          // b failed its probe once, long ago: not ready then, ready now.
          { series: at('pipe_serve_requests_total', B, { method: 'GET', route: '/health/ready', status: '503' }), values: '0 1x30' },
        ],
        quiet: ['0m', '3m'],
        at: '15m',
        fires: [on(A)],
      },
    },
    {
      alert: 'PipeServeHighLatency',
      expr: `histogram_quantile(0.99, sum by (job, instance, le) (rate(pipe_serve_request_duration_seconds_bucket${sel('route="/predict"')}[5m]))) > ${THRESHOLDS.p99Seconds}`,
      for: '10m',
      labels: { severity: 'warning' },
      summary: `p99 latency of POST /predict is above ${THRESHOLDS.p99Seconds * 1000} ms on {{ $labels.instance }}`,
      description: `For 10 minutes, 1% of the predictions of {{ $labels.job }} took more than ${THRESHOLDS.p99Seconds * 1000} ms (a prediction takes well under a millisecond when all is well): the process is starved of CPU, its event loop is blocked, or it is swapping.`,
      fixture: {
        series: [
          // a: every request between 250 and 500 ms; b: every request under 100 ms.
          ...(
            [
              [A, '0.1', '0x40'],
              [A, '0.25', '0x40'],
              [A, '0.5', '0+10x40'],
              [A, '+Inf', '0+10x40'],
              [B, '0.1', '0+10x40'],
              [B, '0.25', '0+10x40'],
              [B, '0.5', '0+10x40'],
              [B, '+Inf', '0+10x40'],
            ] as const
          ).map(([instance, le, values]) => ({ series: at('pipe_serve_request_duration_seconds_bucket', instance, { method: 'POST', route: '/predict', status: '200', le }), values })),
        ],
        quiet: ['0m', '6m'],
        at: '25m',
        fires: [on(A)],
      },
    },
    {
      alert: 'PipeServeErrors',
      expr: `sum by (job, instance) (rate(pipe_serve_requests_total${sel(NOT_API, 'status=~"5.."')}[5m])) / sum by (job, instance) (rate(pipe_serve_requests_total${sel(NOT_API)}[5m])) > ${THRESHOLDS.errorRatio}`,
      for: '5m',
      labels: { severity: 'critical' },
      summary: `More than ${THRESHOLDS.errorRatio * 100}% of the requests to {{ $labels.job }} on {{ $labels.instance }} fail with a 5xx`,
      description:
        'For 5 minutes the service has answered more than 1 request in 100 with a server error (5xx; bad input is a 4xx and does not count). Its stderr and access log say which route and why.',
      fixture: {
        series: [
          // a: 1 request in 10 fails; b: 1 in 1,000, under the threshold.
          { series: at('pipe_serve_requests_total', A, { method: 'POST', route: '/predict', status: '200' }), values: '0+9x30' },
          { series: at('pipe_serve_requests_total', A, { method: 'POST', route: '/predict', status: '500' }), values: '0+1x30' },
          { series: at('pipe_serve_requests_total', B, { method: 'POST', route: '/predict', status: '200' }), values: '0+999x30' },
          { series: at('pipe_serve_requests_total', B, { method: 'POST', route: '/predict', status: '500' }), values: '0+1x30' },
        ],
        quiet: ['0m', '3m'],
        at: '15m',
        fires: [on(A)],
      },
    },
    {
      alert: 'PipeServeFeatureDrift',
      expr: `pipe_serve_feature_drift_psi${sel()} >= ${psi}`,
      for: '15m',
      labels: { severity: 'warning' },
      summary: 'Input feature {{ $labels.feature }} drifts (PSI {{ printf "%.2f" $value }}) on {{ $labels.instance }}',
      description: `For 15 minutes the distribution of {{ $labels.feature }} over the drift window has differed from training's (PSI ${psi} or more): the model sees inputs it was not trained on. Its predictions may degrade even though nothing fails.`,
      fixture: {
        series: [
          { series: at('pipe_serve_feature_drift_psi', A, { feature: first }), values: '0.5x40' },
          { series: at('pipe_serve_feature_drift_psi', B, { feature: second }), values: '0.0625x40' },
          // A burst on b that passes within the 15 minutes.
          { series: at('pipe_serve_feature_drift_psi', B, { feature: first }), values: '0.5x5 0.0625x35' },
        ],
        quiet: ['0m', '10m'],
        at: '30m',
        fires: [{ ...on(A, { feature: first }), value: 0.5 }],
      },
    },
    {
      alert: 'PipeServePredictionDrift',
      expr: `pipe_serve_prediction_drift_psi${sel()} >= ${psi}`,
      for: '15m',
      labels: { severity: 'warning' },
      summary: 'The predicted scores drift (PSI {{ printf "%.2f" $value }}) on {{ $labels.instance }}',
      description: `For 15 minutes the scores of {{ $labels.job }} over the drift window have been distributed unlike training's (PSI ${psi} or more): the inputs moved, or the share of churners did.`,
      fixture: {
        series: [
          { series: at('pipe_serve_prediction_drift_psi', A, { output: 'probability' }), values: '0.25x40' },
          { series: at('pipe_serve_prediction_drift_psi', B, { output: 'probability' }), values: '0.03125x40' },
        ],
        quiet: ['0m', '10m'],
        at: '30m',
        fires: [{ ...on(A, { output: 'probability' }), value: 0.25 }],
      },
    },
    {
      alert: 'PipeServeDatasetDrift',
      expr: `pipe_serve_dataset_drift${sel()} == 1`,
      for: '30m',
      labels: { severity: 'warning', action: 'retrain' },
      summary: "Most of {{ $labels.job }}'s input features drift on {{ $labels.instance }}",
      description:
        'For 30 minutes at least half of the input features have drifted (pipe_serve_drifted_features_ratio): the data set the model was trained on no longer describes its traffic. Alertmanager can start the retraining workflow (docs/ci.md, "Retraining").',
      fixture: {
        series: [
          { series: at('pipe_serve_dataset_drift', A), values: '1x60' },
          { series: at('pipe_serve_dataset_drift', B), values: '0x60' },
        ],
        quiet: ['0m', '20m'],
        at: '45m',
        fires: [on(A)],
      },
    },
    {
      alert: 'PipeServeCanaryRolledBack',
      expr: `pipe_serve_canary_state${sel()} == 0`,
      for: '1m',
      labels: { severity: 'warning' },
      summary: 'The canary {{ $labels.model_version }} was cut off on {{ $labels.instance }}',
      description:
        "The canary broke its SLO (error rate, p99 latency or score drift against the primary; pipe_serve_canary_rollbacks_total says which) and gets no traffic any more: every request goes to the primary. Find out why before promoting it again.",
      fixture: {
        series: [
          { series: at('pipe_serve_canary_state', A, { model_version: 'v1.5.0' }), values: '1 1 0x10' },
          { series: at('pipe_serve_canary_state', B, { model_version: 'v1.5.0' }), values: '1x12' },
        ],
        quiet: ['0m', '2m'],
        at: '6m',
        fires: [on(A, { model_version: 'v1.5.0' })],
      },
    },
    {
      alert: 'PipeServeNoTraffic',
      expr: `up${sel()} == 1 unless on (job, instance) (sum by (job, instance) (rate(pipe_serve_predictions_total${sel()}[15m])) > 0)`,
      for: '30m',
      labels: { severity: 'warning' },
      summary: '{{ $labels.job }} on {{ $labels.instance }} has scored nothing for 30 minutes',
      description:
        'The service is up but no row has been scored for 30 minutes: callers cannot reach it (DNS, load balancer, API keys), or they have moved to another service.',
      fixture: {
        series: [
          { series: at('up', A), values: '1x90' },
          { series: at('up', B), values: '1x90' },
          { series: at('up', C), values: '1x90' },
          // a never scored anything; b scores; c scored, then stopped.
          { series: at('pipe_serve_predictions_total', B, { model_version: 'v1.0.0', label: '1' }), values: '0+5x90' },
          { series: at('pipe_serve_predictions_total', C, { model_version: 'v1.0.0', label: '1' }), values: '100x90' },
        ],
        quiet: ['0m', '20m'],
        at: '60m',
        fires: [on(A), on(C)],
      },
    },
  ];
  return list.map(({ summary, description, ...rule }) => ({ ...rule, annotations: { summary, description, runbook_url: runbook(rule.alert) } }));
}
