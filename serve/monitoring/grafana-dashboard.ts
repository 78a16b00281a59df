/**
 * @module The Grafana dashboard of a served model (classic dashboard JSON, provisioned from a
 * file): the golden signals (traffic, errors, latency p50/p95/p99, saturation), the model
 * versions side by side (primary, canary, shadow), the score distribution, and drift: the data
 * set's, the score's, and one panel per input feature of the model's schema.
 */
import { dashboardUid, selector, type MonitoredService } from './monitored-service.js';

export const DATASOURCE_UID = 'pipe-prometheus';
/** Every panel queries the data source the `datasource` variable picks (the provisioned one by default). */
const DATASOURCE = { type: 'prometheus', uid: '${datasource}' } as const;
const WIDTH = 24;

interface Target {
  readonly expr: string;
  readonly legendFormat: string;
  readonly format?: 'heatmap';
}

export interface Panel {
  readonly id: number;
  readonly type: string;
  readonly title: string;
  readonly gridPos: { h: number; w: number; x: number; y: number };
  readonly [key: string]: unknown;
}

/** Lays panels out left to right, `perRow` a row, rows under row headers. */
class Layout {
  readonly panels: Panel[] = [];
  private y = 0;
  private x = 0;
  private id = 1;

  row(title: string): void {
    this.newLine();
    this.panels.push({ id: this.id++, type: 'row', title, collapsed: false, gridPos: { h: 1, w: WIDTH, x: 0, y: this.y }, panels: [] });
    this.y += 1;
  }

  add(perRow: number, panel: { type: string; title: string; description?: string; unit: string; targets: Target[]; max?: number; thresholds?: number[]; options?: unknown }): void {
    const w = WIDTH / perRow;
    if (this.x + w > WIDTH) this.newLine();
    const { unit, targets, max, thresholds, ...rest } = panel;
    const steps = [{ color: 'green', value: null }, ...(thresholds ?? []).map((value, i) => ({ color: i === 0 ? 'orange' : 'red', value }))];
    this.panels.push({
      id: this.id++,
      ...rest,
      datasource: DATASOURCE,
      gridPos: { h: 8, w, x: this.x, y: this.y },
      fieldConfig: {
        defaults: {
          unit,
          ...(max === undefined ? {} : { min: 0, max }),
          thresholds: { mode: 'absolute', steps },
          ...(panel.type === 'timeseries' && thresholds ? { custom: { thresholdsStyle: { mode: 'line' } } } : {}),
        },
        overrides: [],
      },
      targets: targets.map((t, i) => ({ datasource: DATASOURCE, refId: String.fromCharCode(65 + i), range: true, ...t })),
      ...(panel.options === undefined ? {} : { options: panel.options }),
    });
    this.x += w;
  }

  private newLine(): void {
    if (this.x > 0) this.y += 8;
    this.x = 0;
  }
}

export function grafanaDashboard(s: MonitoredService): Record<string, unknown> {
  const sel = (...more: string[]) => selector(s, 'instance=~"$instance"', ...more);
  const rate = (metric: string, ...more: string[]) => `rate(${metric}${sel(...more)}[$__rate_interval])`;
  const api = 'route!~"/metrics|/health/.+|/v2/health/.+"';
  const quantile = (q: number, by = '') => `histogram_quantile(${q}, sum by (le${by}) (${rate('pipe_serve_request_duration_seconds_bucket', 'route=~"$route"')}))`;
  const layout = new Layout();

  layout.row('Golden signals');
  layout.add(4, { type: 'timeseries', title: 'Traffic by route', description: 'Requests answered per second, by route pattern', unit: 'reqps', targets: [{ expr: `sum by (route) (${rate('pipe_serve_requests_total', api)})`, legendFormat: '{{route}}' }] });
  layout.add(4, {
    type: 'timeseries',
    title: 'Errors',
    description: 'Share of API requests answered with a 5xx (server errors) and a 4xx (bad input, refused callers)',
    unit: 'percentunit',
    thresholds: [0.01],
    targets: [
      { expr: `sum(${rate('pipe_serve_requests_total', api, 'status=~"5.."')}) / sum(${rate('pipe_serve_requests_total', api)})`, legendFormat: '5xx' },
      { expr: `sum(${rate('pipe_serve_requests_total', api, 'status=~"4.."')}) / sum(${rate('pipe_serve_requests_total', api)})`, legendFormat: '4xx' },
    ],
  });
  layout.add(4, {
    type: 'timeseries',
    title: 'Latency',
    description: 'Time from request to response of the routes picked above ($route)',
    unit: 's',
    thresholds: [0.1],
    targets: [
      { expr: quantile(0.5), legendFormat: 'p50' },
      { expr: quantile(0.95), legendFormat: 'p95' },
      { expr: quantile(0.99), legendFormat: 'p99' },
    ],
  });
  layout.add(4, {
    type: 'timeseries',
    title: 'Saturation',
    description: 'Requests in flight, event-loop lag (p99) and CPU use of the service process',
    unit: 'short',
    targets: [
      { expr: `sum(pipe_serve_requests_in_flight${sel()})`, legendFormat: 'in flight' },
      { expr: `max(pipe_serve_nodejs_eventloop_lag_p99_seconds${sel()})`, legendFormat: 'event-loop lag p99 (s)' },
      { expr: `sum(${rate('pipe_serve_process_cpu_seconds_total')})`, legendFormat: 'CPU (cores)' },
    ],
  });

  layout.row('Model versions');
  layout.add(3, { type: 'table', title: 'Served model', description: 'pipe_serve_model_info: name, version, registry stage, commit, backend', unit: 'none', targets: [{ expr: `pipe_serve_model_info${sel()}`, legendFormat: '{{version}}' }], options: { showHeader: true } });
  layout.add(3, { type: 'timeseries', title: 'Rows scored by version and role', description: 'primary answers; a canary answers its share; a shadow scores without answering', unit: 'rowsps', targets: [{ expr: `sum by (model_version, role) (${rate('pipe_serve_predictions_total')})`, legendFormat: '{{model_version}} {{role}}' }] });
  layout.add(3, { type: 'timeseries', title: 'Scoring latency p99 by version and role', unit: 's', targets: [{ expr: `histogram_quantile(0.99, sum by (le, model_version, role) (${rate('pipe_serve_scoring_duration_seconds_bucket')}))`, legendFormat: '{{model_version}} {{role}}' }] });
  layout.add(3, { type: 'timeseries', title: 'Predicted positive rate by version', description: 'Share of rows labelled 1 at the decision threshold', unit: 'percentunit', max: 1, targets: [{ expr: `sum by (model_version) (${rate('pipe_serve_predictions_total', 'label="1"')}) / sum by (model_version) (${rate('pipe_serve_predictions_total')})`, legendFormat: '{{model_version}}' }] });
  layout.add(3, { type: 'timeseries', title: 'Canary', description: '1: the canary receives traffic; 0: cut off (rolled back); with the rollbacks by reason', unit: 'short', targets: [{ expr: `max by (model_version) (pipe_serve_canary_state${sel()})`, legendFormat: 'state {{model_version}}' }, { expr: `sum by (model_version, reason) (pipe_serve_canary_rollbacks_total${sel()})`, legendFormat: 'rollbacks {{model_version}} {{reason}}' }] });
  layout.add(3, { type: 'timeseries', title: 'Shadow agreement', description: "Share of rows on which the shadow's label agrees with the primary's", unit: 'percentunit', max: 1, targets: [{ expr: `sum by (model_version) (${rate('pipe_serve_shadow_predictions_total', 'agreed="true"')}) / sum by (model_version) (${rate('pipe_serve_shadow_predictions_total')})`, legendFormat: '{{model_version}}' }] });

  layout.row('Scores and inputs');
  layout.add(3, { type: 'heatmap', title: 'Score distribution', description: 'Predicted probabilities of the positive class, per bucket of pipe_serve_prediction_score', unit: 'short', targets: [{ expr: `sum by (le) (increase(pipe_serve_prediction_score_bucket${sel()}[$__rate_interval]))`, legendFormat: '{{le}}', format: 'heatmap' }], options: { calculate: false, yAxis: { unit: 'short' }, cellGap: 1 } });
  layout.add(3, { type: 'timeseries', title: 'Invalid rows by field', description: 'Row errors (missing, type, range, category…) by input field', unit: 'short', targets: [{ expr: `sum by (field, kind) (${rate('pipe_serve_invalid_rows_total')})`, legendFormat: '{{field}} {{kind}}' }] });
  layout.add(3, { type: 'timeseries', title: 'Rows per batch', unit: 'short', targets: [{ expr: `histogram_quantile(0.5, sum by (le) (${rate('pipe_serve_batch_rows_bucket')}))`, legendFormat: 'p50' }, { expr: `histogram_quantile(0.99, sum by (le) (${rate('pipe_serve_batch_rows_bucket')}))`, legendFormat: 'p99' }] });

  layout.row('Drift (PSI against the reference profile)');
  layout.add(3, { type: 'timeseries', title: 'Drifted features', description: 'Share of input features drifting; the data set drifts at 0.5', unit: 'percentunit', max: 1, thresholds: [0.5], targets: [{ expr: `max(pipe_serve_drifted_features_ratio${sel()})`, legendFormat: 'drifted share' }] });
  layout.add(3, { type: 'timeseries', title: 'Prediction drift', description: 'PSI of the predicted scores against training', unit: 'none', thresholds: [s.driftThreshold, 2 * s.driftThreshold], targets: [{ expr: `max(pipe_serve_prediction_drift_psi${sel()})`, legendFormat: 'score PSI' }] });
  layout.add(3, { type: 'timeseries', title: 'Drift window', description: 'Rows in the drift window (a PSI is absent until it holds enough)', unit: 'short', targets: [{ expr: `max(pipe_serve_drift_window_rows${sel()})`, legendFormat: 'rows' }] });
  for (const feature of s.features) {
    layout.add(4, { type: 'timeseries', title: `Drift: ${feature}`, description: `PSI of ${feature} over the drift window; drift at ${s.driftThreshold}`, unit: 'none', thresholds: [s.driftThreshold, 2 * s.driftThreshold], targets: [{ expr: `max(pipe_serve_feature_drift_psi${sel(`feature="${feature}"`)})`, legendFormat: feature }] });
  }

  const query = (name: string, label: string, expr: string, all: string) => ({
    name,
    label,
    type: 'query',
    datasource: DATASOURCE,
    query: { query: expr, refId: name },
    definition: expr,
    refresh: 2,
    includeAll: true,
    multi: true,
    allValue: all,
    current: { selected: true, text: ['All'], value: ['$__all'] },
    sort: 1,
  });
  return {
    uid: dashboardUid(s),
    title: `${s.model} service`,
    description: `pipe serve: the ${s.model} model's service (generated by 'pipe serve monitoring' from its feature schema)`,
    tags: ['pipe', 'ml', s.model],
    editable: true,
    graphTooltip: 1,
    refresh: '30s',
    schemaVersion: 39,
    version: 1,
    time: { from: 'now-3h', to: 'now' },
    timezone: 'browser',
    templating: {
      list: [
        { name: 'datasource', label: 'Data source', type: 'datasource', query: 'prometheus', current: { text: 'Prometheus', value: DATASOURCE_UID }, hide: 0 },
        query('instance', 'Instance', `label_values(pipe_serve_model_info${selector(s)}, instance)`, '.*'),
        query('route', 'Latency of routes', `label_values(pipe_serve_request_duration_seconds_count${selector(s)}, route)`, '/predict.*|/v2/models/.+/infer'),
      ],
    },
    annotations: { list: [] },
    links: [],
    panels: layout.panels,
  };
}
