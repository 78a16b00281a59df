/**
 * @module The drift monitor's options (window, thresholds, epsilon), their defaults and their
 * check: a bad value is refused up front with an error naming the option, what was expected and
 * what came in, so `pipe serve` can answer it as bad input.
 */
import { PSI_EPSILON } from '../model/index.js';

/** The last `rows` rows, or the rows of the last `minutes` minutes (kept in 60 buckets of minutes/60 each). */
export type DriftWindow = { readonly rows: number } | { readonly minutes: number };

export interface DriftOptions {
  readonly window?: DriftWindow;
  /** A column drifts when its PSI is at least this (Evidently's default, 0.1). */
  readonly threshold?: number;
  /** The data set drifts when at least this share of the features drift (Evidently's default, 0.5). */
  readonly datasetShare?: number;
  /** The share an empty bin counts as, so PSI stays finite (Evidently's, 0.0001). */
  readonly epsilon?: number;
  /** Below this many rows in the window, PSI is not computed (null): a handful of rows says nothing. */
  readonly minRows?: number;
  /** Milliseconds now, for the time window (which never moves backwards if the clock does); Date.now by default. */
  readonly now?: () => number;
}

export type ResolvedDriftOptions = Required<DriftOptions>;

export const DRIFT_DEFAULTS = {
  window: { rows: 1000 },
  threshold: 0.1,
  datasetShare: 0.5,
  epsilon: PSI_EPSILON,
  minRows: 100,
} as const;

export interface DriftOptionErrorData {
  readonly option: string;
  readonly expected: string;
  readonly received: unknown;
}

export class DriftOptionError extends Error {
  override name = 'DriftOptionError';
  readonly code = 'DRIFT_OPTION_INVALID';

  constructor(readonly data: DriftOptionErrorData) {
    super(`drift option ${data.option}: expected ${data.expected}, got ${JSON.stringify(data.received) ?? String(data.received)}`);
  }
}

function check(ok: boolean, option: string, expected: string, received: unknown): void {
  if (!ok) throw new DriftOptionError({ option, expected, received });
}

export function resolveDriftOptions({
  window = DRIFT_DEFAULTS.window,
  threshold = DRIFT_DEFAULTS.threshold,
  datasetShare = DRIFT_DEFAULTS.datasetShare,
  epsilon = DRIFT_DEFAULTS.epsilon,
  minRows = DRIFT_DEFAULTS.minRows,
  now = Date.now,
}: DriftOptions = {}): ResolvedDriftOptions {
  const w = window as Partial<Record<'rows' | 'minutes', unknown>>;
  check(('rows' in w) !== ('minutes' in w), 'window', 'either {rows} or {minutes}', window);
  if ('rows' in w) check(Number.isInteger(w.rows) && (w.rows as number) >= 1, 'window.rows', 'a whole number of rows, at least 1', w.rows);
  else check(typeof w.minutes === 'number' && w.minutes > 0 && Number.isFinite(w.minutes), 'window.minutes', 'a number of minutes above 0', w.minutes);
  check(Number.isFinite(threshold) && threshold > 0, 'threshold', 'a PSI above 0', threshold);
  check(Number.isFinite(datasetShare) && datasetShare > 0 && datasetShare <= 1, 'datasetShare', 'a share in (0, 1]', datasetShare);
  check(Number.isFinite(epsilon) && epsilon > 0 && epsilon < 1, 'epsilon', 'a share in (0, 1)', epsilon);
  check(Number.isInteger(minRows) && minRows >= 1, 'minRows', 'a whole number of rows, at least 1', minRows);
  return { window, threshold, datasetShare, epsilon, minRows, now };
}
