/**
 * @module The service's Prometheus metrics (prom-client, its own registry, prefix `pipe_serve_`),
 * named by Prometheus' conventions: base units (seconds), `_total` counters, an `_info` gauge.
 * Latency buckets start at 50 µs, because a prediction takes a fraction of a millisecond and
 * prom-client's default buckets (from 5 ms) would put every request in the first one. Labels are
 * bounded: routes are the registered patterns, fields the schema's (an unknown one is `(unexpected)`).
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { DriftMonitor, DriftSnapshot } from './drift/index.js';

export const METRIC_PREFIX = 'pipe_serve_';

/** Seconds: 50 µs … 2.5 s. */
export const LATENCY_BUCKETS = [0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5];
const SCORE_BUCKETS = [0.05, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95];
const BATCH_BUCKETS = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10000];

export interface ServeMetrics {
  readonly registry: Registry;
  readonly requestDuration: Histogram<'method' | 'route' | 'status'>;
  readonly requests: Counter<'method' | 'route' | 'status'>;
  readonly inFlight: Gauge;
  readonly predictions: Counter<'model_version' | 'label'>;
  readonly score: Histogram;
  readonly invalidRows: Counter<'field' | 'kind'>;
  readonly batchRows: Histogram;
  /** The duration histogram and request counter of one (method, route, status), bound once: prom-client hashes a label set on every call otherwise. */
  requestSeries(method: string, route: string, status: number): { observe(seconds: number): void };
  /** Counts one scored batch of probabilities (labels decided at `threshold`). */
  observeScores(probabilities: Float32Array, threshold: number): void;
  /** Counts the errors of invalid rows, by field. */
  observeInvalid(errors: readonly { field: string; kind: string }[]): void;
}

export function createMetrics({ name, version, commit, stage, backend, engine, fields, drift }: { name: string; version: string | null; commit: string | null; stage: string | null; backend: string; engine: string; fields: readonly string[]; drift?: DriftMonitor }): ServeMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: METRIC_PREFIX });
  // prom-client names three gauges `…_total`, which `promtool check metrics` rejects (only counters end in _total).
  for (const name of ['nodejs_active_handles_total', 'nodejs_active_requests_total', 'nodejs_active_resources_total']) registry.removeSingleMetric(`${METRIC_PREFIX}${name}`);
  const requestDuration = new Histogram({
    name: `${METRIC_PREFIX}request_duration_seconds`,
    help: 'Time from the request to the response, by route pattern and status',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: LATENCY_BUCKETS,
    registers: [registry],
  });
  const requests = new Counter({ name: `${METRIC_PREFIX}requests_total`, help: 'Requests answered, by route pattern and status', labelNames: ['method', 'route', 'status'] as const, registers: [registry] });
  const inFlight = new Gauge({ name: `${METRIC_PREFIX}requests_in_flight`, help: 'Requests being answered now', registers: [registry] });
  const predictions = new Counter({ name: `${METRIC_PREFIX}predictions_total`, help: 'Rows scored, by model version and predicted label', labelNames: ['model_version', 'label'] as const, registers: [registry] });
  const score = new Histogram({ name: `${METRIC_PREFIX}prediction_score`, help: 'Predicted probabilities of the positive class', buckets: SCORE_BUCKETS, registers: [registry] });
  const invalidRows = new Counter({ name: `${METRIC_PREFIX}invalid_rows_total`, help: 'Row errors by input field and kind (missing, type, range, category…)', labelNames: ['field', 'kind'] as const, registers: [registry] });
  const batchRows = new Histogram({ name: `${METRIC_PREFIX}batch_rows`, help: 'Rows per /predict/batch or V2 infer request', buckets: BATCH_BUCKETS, registers: [registry] });
  const info = new Gauge({ name: `${METRIC_PREFIX}model_info`, help: 'The served model (always 1)', labelNames: ['name', 'version', 'commit', 'stage', 'backend', 'engine'] as const, registers: [registry], aggregator: 'max' });
  info.set({ name, version: version ?? '', commit: commit ?? '', stage: stage ?? '', backend: backend.split(' ')[0] ?? backend, engine: engine.split(' ')[0] ?? engine }, 1);

  if (drift) driftGauges(registry, drift);

  const known = new Set(fields);
  const versionLabel = version ?? 'unversioned';
  // Label-bound children, so the hot path does not hash label sets.
  const positive = predictions.labels({ model_version: versionLabel, label: '1' });
  const negative = predictions.labels({ model_version: versionLabel, label: '0' });
  const series = new Map<string, { observe(seconds: number): void }>();
  const requestSeries = (method: string, route: string, status: number) => {
    const key = `${method} ${status} ${route}`;
    let s = series.get(key);
    if (!s) {
      const labels = { method, route, status: String(status) };
      const histogram = requestDuration.labels(labels);
      const counter = requests.labels(labels);
      s = {
        observe(seconds: number) {
          histogram.observe(seconds);
          counter.inc();
        },
      };
      series.set(key, s);
    }
    return s;
  };
  return {
    registry,
    requestSeries,
    requestDuration,
    requests,
    inFlight,
    predictions,
    score,
    invalidRows,
    batchRows,
    observeScores(probabilities, threshold) {
      let ones = 0;
      for (const p of probabilities) {
        score.observe(p);
        if (p >= threshold) ones++;
      }
      if (ones) positive.inc(ones);
      if (probabilities.length - ones) negative.inc(probabilities.length - ones);
    },
    observeInvalid(errors) {
      for (const e of errors) invalidRows.inc({ field: known.has(e.field) ? e.field : e.field === '' ? '(row)' : '(unexpected)', kind: e.kind });
    },
  };
}

/**
 * Drift gauges, computed at scrape time from the monitor's window (one snapshot per scrape):
 * PSI per feature and of the score, the share of drifted features, whether the data set drifts,
 * and the rows in the window. A PSI is left out while the window holds too few rows to say.
 */
function driftGauges(registry: Registry, drift: DriftMonitor): void {
  // The first gauge takes the snapshot; prom-client collects in registration order, so the others of the same scrape reuse it.
  let last: DriftSnapshot | undefined;
  const snapshot = () => (last ??= drift.snapshot());
  new Gauge({
    name: `${METRIC_PREFIX}feature_drift_psi`,
    help: "Population stability index of each input feature over the drift window, against the model's reference profile",
    labelNames: ['feature'] as const,
    registers: [registry],
    // With --workers N each worker watches its own share of the traffic: the service's figure is their mean.
    aggregator: 'average',
    collect() {
      this.reset();
      last = drift.snapshot();
      for (const [feature, d] of Object.entries(last.features)) if (d.psi !== null) this.set({ feature }, d.psi);
    },
  });
  // Labelled (output="probability") so that it can be absent: a gauge without labels reads 0 after reset(), which would say "no drift".
  new Gauge({
    name: `${METRIC_PREFIX}prediction_drift_psi`,
    help: "Population stability index of the predicted scores over the drift window, against training's",
    labelNames: ['output'] as const,
    registers: [registry],
    aggregator: 'average',
    collect() {
      this.reset();
      const psi = snapshot().prediction.psi;
      if (psi !== null) this.set({ output: 'probability' }, psi);
    },
  });
  new Gauge({
    name: `${METRIC_PREFIX}drifted_features_ratio`,
    help: 'Share of the input features whose PSI is at or above the drift threshold (0–1)',
    registers: [registry],
    aggregator: 'average',
    collect() {
      this.set(snapshot().share);
    },
  });
  new Gauge({
    name: `${METRIC_PREFIX}dataset_drift`,
    help: 'Whether the share of drifted features reaches the data-set threshold (1) or not (0)',
    registers: [registry],
    aggregator: 'max',
    collect() {
      this.set(snapshot().datasetDrift ? 1 : 0);
    },
  });
  new Gauge({
    name: `${METRIC_PREFIX}drift_window_rows`,
    help: 'Rows in the drift window',
    registers: [registry],
    collect() {
      this.set(snapshot().rows);
    },
  });
}
