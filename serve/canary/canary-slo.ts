/**
 * @module The canary's service-level objectives and the window they are judged over, with their
 * defaults (docs/commands.md, "Canary"): the canary is cut off when, over the window, its scoring
 * error rate, its p99 scoring latency or the PSI of its scores against the primary's breaks a limit.
 */

export type CanaryWindow = { readonly requests: number } | { readonly minutes: number };

export interface CanarySlo {
  /** The last N canary requests, or the last T minutes. */
  readonly window: CanaryWindow;
  /** Share of canary requests whose scoring failed (the model threw or gave a non-finite score); caller errors (4xx) do not count. */
  readonly maxErrorRate: number;
  /** Seconds: the canary's p99 scoring time. */
  readonly maxP99Seconds: number;
  /** PSI of the canary's scores against the primary's over the same window. */
  readonly maxScorePsi: number;
  /** Canary requests the window must hold before the error rate and p99 are judged (fewer when the window is smaller). */
  readonly minRequests: number;
  /** Scored rows each side must have before the score PSI is judged. */
  readonly minScoreRows: number;
}

export const CANARY_SLO_DEFAULTS: CanarySlo = {
  window: { requests: 200 },
  maxErrorRate: 0.05,
  maxP99Seconds: 0.05,
  maxScorePsi: 0.25,
  minRequests: 20,
  minScoreRows: 100,
};

/** Parses a window: `200` (canary requests) or `15m` (minutes); undefined when it is neither. */
export function parseCanaryWindow(text: string): CanaryWindow | undefined {
  const m = /^(\d+)$|^(\d+(?:\.\d+)?)m$/.exec(text.trim());
  if (!m) return undefined;
  const n = Number(m[1] ?? m[2]);
  if (!(n > 0)) return undefined;
  return m[1] !== undefined ? { requests: n } : { minutes: n };
}

export function describeCanaryWindow(w: CanaryWindow): string {
  return 'requests' in w ? `the last ${w.requests} canary requests` : `the last ${w.minutes} minutes`;
}
