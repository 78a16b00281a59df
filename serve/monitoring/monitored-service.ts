/**
 * @module What the monitoring files are generated from: the served model's name and input
 * features (its feature schema, less the row key), where Prometheus finds the service, and the
 * thresholds the alerts use. Names the scrape job, the dashboard's uid and the runbook links.
 */

export interface MonitoredService {
  /** The model's name (`churn`): the scrape job is `NAME-service`. */
  readonly model: string;
  /** The model's input features, as the drift gauges label them (`feature="tenure_months"`). */
  readonly features: readonly string[];
  /** HOST:PORT Prometheus scrapes (`service:8080` in the generated docker-compose.yml). */
  readonly target: string;
  /** Prometheus' scrape and rule evaluation interval (`15s`). */
  readonly scrapeInterval: string;
  /** A feature or the score drifts at this PSI or more: `pipe serve --drift-threshold`, 0.1 by default as Evidently. */
  readonly driftThreshold: number;
  /** The runbook (docs/runbook.md or its URL); each alert links to its section. */
  readonly runbook: string;
}

export const DEFAULTS = { target: 'service:8080', scrapeInterval: '15s', driftThreshold: 0.1, runbook: 'docs/runbook.md' } as const;

/** The alerts' fixed thresholds: a person edits alerts.yml (and alerts.test.yml) to change them. */
export const THRESHOLDS = {
  /** p99 of POST /predict, seconds: the service answers in a fraction of a millisecond, so 100 ms means trouble. */
  p99Seconds: 0.1,
  /** Share of API requests answered with a 5xx. */
  errorRatio: 0.01,
} as const;

/** A name usable in a job label, a file name and a Grafana uid: lower case, digits and dashes. */
export function slug(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '') || 'model';
}

export const jobName = (s: MonitoredService): string => `${slug(s.model)}-service`;

/** The PromQL selector of the service's series, with more matchers when given. */
export const selector = (s: MonitoredService, ...more: string[]): string => `{${[`job="${jobName(s)}"`, ...more].join(', ')}}`;

/** Grafana wants 8–40 characters. */
export const dashboardUid = (s: MonitoredService): string => `pipe-serve-${slug(s.model)}`.slice(0, 40);

/** The runbook's section of an alert: its heading in docs/runbook.md is the alert's name. */
export const runbookUrl = (s: MonitoredService, alert: string): string => `${s.runbook}#${alert.toLowerCase()}`;
