/**
 * @module The service's Prometheus metrics (prom-client, its own registry, prefix `pipe_serve_`),
 * named by Prometheus' conventions: base units (seconds), `_total` counters, an `_info` gauge.
 * Latency buckets start at 50 µs, because a prediction takes a fraction of a millisecond and
 * prom-client's default buckets (from 5 ms) would put every request in the first one. Labels are
 * bounded: routes are the registered patterns, fields the schema's (an unknown one is `(unexpected)`).
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { DriftMonitor, DriftSnapshot } from './drift/index.js';
import { BulkHistogram, type HistogramSeries } from './bulk-histogram.js';

/** Which model scored: the one answering by default, the canary answering its share of callers, or the shadow, scored beside and never answered. */
export type ScoringRole = 'primary' | 'canary' | 'shadow';

/** Why a canary was cut off (the `reason` label of pipe_serve_canary_rollbacks_total). */
export type RollbackReason = 'error_rate' | 'latency' | 'score_drift';

/** What `pipe_serve_model_info` says about the served model. */
export interface ModelLabels {
  readonly name: string;
  readonly version: string | null;
  readonly commit: string | null;
  readonly stage: string | null;
  readonly backend: string;
  readonly engine: string;
}

export const METRIC_PREFIX = 'pipe_serve_';

/** Seconds: 50 µs … 2.5 s. */
export const LATENCY_BUCKETS = [0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5];
const SCORE_BUCKETS = [0.05, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95];
const BATCH_BUCKETS = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10000];

export interface ServeMetrics {
  readonly registry: Registry;
  readonly requestDuration: BulkHistogram<'method' | 'route' | 'status'>;
  readonly requests: Counter<'method' | 'route' | 'status'>;
  /** Requests being answered: a plain count, read by the gauge at scrape time (prom-client's inc/dec hash a label set each call). */
  readonly inFlight: { inc(): void; dec(): void };
  readonly predictions: Counter<'model_version' | 'label' | 'role'>;
  readonly scoringDuration: BulkHistogram<'model_version' | 'role'>;
  readonly shadowPredictions: Counter<'model_version' | 'agreed'>;
  readonly canaryState: Gauge<'model_version'>;
  readonly canaryRollbacks: Counter<'model_version' | 'reason'>;
  readonly modelReloads: Counter<'result'>;
  readonly score: BulkHistogram;
  readonly invalidRows: Counter<'field' | 'kind'>;
  readonly batchRows: Histogram;
  /** The duration histogram and request counter of one (method, route, status), bound once: prom-client hashes a label set on every call otherwise. */
  requestSeries(method: string, route: string, status: number): { observe(seconds: number): void };
  /** Counts one scored batch of probabilities (labels decided at `threshold`) of `version` in `role`; the score histogram holds answered ones only (primary, canary). */
  observeScores(probabilities: Float32Array, threshold: number, version: string, role: ScoringRole): void;
  /** The time one model took to score one request's rows. */
  observeScoring(version: string, role: ScoringRole, seconds: number): void;
  /** Makes `pipe_serve_model_info` describe `model` (after a reload). */
  setModel(model: ModelLabels): void;
  /** Counts the errors of invalid rows, by field. */
  observeInvalid(errors: readonly { field: string; kind: string }[]): void;
}

/** `drift` reads the monitor of the model serving now (it changes on a reload); drift gauges exist when it is given. */
export function createMetrics({ fields, drift, ...model }: ModelLabels & { fields: readonly string[]; drift?: () => DriftMonitor | undefined }): ServeMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: METRIC_PREFIX });
  // prom-client names three gauges `…_total`, which `promtool check metrics` rejects (only counters end in _total).
  for (const name of ['nodejs_active_handles_total', 'nodejs_active_requests_total', 'nodejs_active_resources_total']) registry.removeSingleMetric(`${METRIC_PREFIX}${name}`);
  const requestDuration = new BulkHistogram({
    name: `${METRIC_PREFIX}request_duration_seconds`,
    help: 'Time from the request to the response, by route pattern and status',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: LATENCY_BUCKETS,
    registers: [registry],
  });
  // The hot path's counts are plain numbers, added to their prom-client series when scraped: an inc() of
  // a labelled series hashes its label set every call (~0.3 µs, twice per prediction).
  const pending: { n: number; readonly series: { inc(n: number): void } }[] = [];
  const deferred = (series: { inc(n: number): void }) => {
    const d = { n: 0, series };
    pending.push(d);
    return d;
  };
  const flush = () => {
    for (const d of pending)
      if (d.n !== 0) {
        d.series.inc(d.n);
        d.n = 0;
      }
  };
  const requests = new Counter({ name: `${METRIC_PREFIX}requests_total`, help: 'Requests answered, by route pattern and status', labelNames: ['method', 'route', 'status'] as const, registers: [registry], collect: flush });
  let answering = 0;
  const inFlight = { inc: () => void answering++, dec: () => void answering-- };
  new Gauge({
    name: `${METRIC_PREFIX}requests_in_flight`,
    help: 'Requests being answered now',
    registers: [registry],
    collect() {
      this.set(answering);
    },
  });
  const predictions = new Counter({
    name: `${METRIC_PREFIX}predictions_total`,
    help: 'Rows scored, by model version, predicted label and role (primary, canary: answered; shadow: scored beside, never answered)',
    labelNames: ['model_version', 'label', 'role'] as const,
    registers: [registry],
    collect: flush,
  });
  const scoringDuration = new BulkHistogram({
    name: `${METRIC_PREFIX}scoring_duration_seconds`,
    help: "Time one model took to score one request's rows (preprocessing and forward pass), by model version and role",
    labelNames: ['model_version', 'role'] as const,
    buckets: LATENCY_BUCKETS,
    registers: [registry],
  });
  const shadowPredictions = new Counter({
    name: `${METRIC_PREFIX}shadow_predictions_total`,
    help: 'Rows the shadow model scored, by its version and whether its label agreed with the answered one',
    labelNames: ['model_version', 'agreed'] as const,
    registers: [registry],
  });
  // With several processes (pipe serve --workers) each judges its own share: the canary is cut off as soon as one has cut it.
  const canaryState = new Gauge({ name: `${METRIC_PREFIX}canary_state`, help: 'The canary model: 1 while it receives its share of traffic, 0 once cut off (absent without a canary)', labelNames: ['model_version'] as const, registers: [registry], aggregator: 'min' });
  const canaryRollbacks = new Counter({
    name: `${METRIC_PREFIX}canary_rollbacks_total`,
    help: 'Canary cut-offs by model version and the SLO it broke (error_rate, latency, score_drift)',
    labelNames: ['model_version', 'reason'] as const,
    registers: [registry],
  });
  const modelReloads = new Counter({ name: `${METRIC_PREFIX}model_reloads_total`, help: 'Hot reloads of the served model (SIGHUP, --watch), by result (ok, failed: the old model kept serving)', labelNames: ['result'] as const, registers: [registry] });
  for (const result of ['ok', 'failed']) modelReloads.inc({ result }, 0);
  const score = new BulkHistogram({ name: `${METRIC_PREFIX}prediction_score`, help: 'Predicted probabilities of the positive class', buckets: SCORE_BUCKETS, registers: [registry] });
  const invalidRows = new Counter({ name: `${METRIC_PREFIX}invalid_rows_total`, help: 'Row errors by input field and kind (missing, type, range, category…)', labelNames: ['field', 'kind'] as const, registers: [registry] });
  const batchRows = new Histogram({ name: `${METRIC_PREFIX}batch_rows`, help: 'Rows per /predict/batch or V2 infer request', buckets: BATCH_BUCKETS, registers: [registry] });
  const info = new Gauge({ name: `${METRIC_PREFIX}model_info`, help: 'The served model (always 1)', labelNames: ['name', 'version', 'commit', 'stage', 'backend', 'engine'] as const, registers: [registry], aggregator: 'max' });
  const setModel = ({ name, version, commit, stage, backend, engine }: ModelLabels) => {
    info.reset();
    info.set({ name, version: version ?? '', commit: commit ?? '', stage: stage ?? '', backend: backend.split(' ')[0] ?? backend, engine: engine.split(' ')[0] ?? engine }, 1);
  };
  setModel(model);

  if (drift) driftGauges(registry, drift);

  const known = new Set(fields);
  // Label-bound children, so the hot path does not hash label sets.
  const counted = new Map<string, { positive: { n: number }; negative: { n: number }; scoring: HistogramSeries }>();
  const bound = (version: string, role: ScoringRole) => {
    const key = `${role} ${version}`;
    let b = counted.get(key);
    if (!b) {
      b = {
        positive: deferred(predictions.labels({ model_version: version, label: '1', role })),
        negative: deferred(predictions.labels({ model_version: version, label: '0', role })),
        scoring: scoringDuration.series({ model_version: version, role }),
      };
      counted.set(key, b);
    }
    return b;
  };
  const series = new Map<string, { observe(seconds: number): void }>();
  const requestSeries = (method: string, route: string, status: number) => {
    const key = `${method} ${status} ${route}`;
    let s = series.get(key);
    if (!s) {
      const labels = { method, route, status: String(status) };
      const histogram = requestDuration.series(labels);
      const counter = deferred(requests.labels(labels));
      s = {
        observe(seconds: number) {
          histogram.observe(seconds);
          counter.n++;
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
    scoringDuration,
    shadowPredictions,
    canaryState,
    canaryRollbacks,
    modelReloads,
    score,
    invalidRows,
    batchRows,
    observeScores(probabilities, threshold, version, role) {
      if (role !== 'shadow') score.observeAll(probabilities);
      let ones = 0;
      for (let i = 0; i < probabilities.length; i++) if ((probabilities[i] as number) >= threshold) ones++;
      const { positive, negative } = bound(version, role);
      positive.n += ones;
      negative.n += probabilities.length - ones;
    },
    observeScoring(version, role, seconds) {
      bound(version, role).scoring.observe(seconds);
    },
    setModel,
    observeInvalid(errors) {
      // '' is the row itself (not an object), unless it is the name of a field the row has and the model does not.
      for (const e of errors) invalidRows.inc({ field: known.has(e.field) ? e.field : e.field === '' && e.kind !== 'unexpected' ? '(row)' : '(unexpected)', kind: e.kind });
    },
  };
}

/**
 * Drift gauges, computed at scrape time from the monitor's window (one snapshot per scrape):
 * PSI per feature and of the score, the share of drifted features, whether the data set drifts,
 * and the rows in the window. A PSI is left out while the window holds too few rows to say.
 */
function driftGauges(registry: Registry, monitor: () => DriftMonitor | undefined): void {
  // The first gauge takes the snapshot; prom-client collects in registration order, so the others of the same scrape reuse it.
  // A model without a reference profile (after a reload) reads as an empty window: no PSI, nothing drifting.
  let last: DriftSnapshot | undefined;
  const take = (): DriftSnapshot => monitor()?.snapshot() ?? { features: {}, prediction: { psi: null, drifted: false }, share: 0, datasetDrift: false, rows: 0, window: { rows: 0 }, threshold: 0, datasetShare: 0 };
  const snapshot = () => (last ??= take());
  new Gauge({
    name: `${METRIC_PREFIX}feature_drift_psi`,
    help: "Population stability index of each input feature over the drift window, against the model's reference profile",
    labelNames: ['feature'] as const,
    registers: [registry],
    // With --workers N each worker watches its own share of the traffic: the service's figure is their mean.
    aggregator: 'average',
    collect() {
      this.reset();
      last = take();
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
