/**
 * @module Judges a canary against its SLOs as its requests come in, and cuts it off at once when
 * one breaks over the window: its scoring error rate, its p99 scoring time, or the PSI of its
 * scores against the primary's scores of the same period (serve/model's population-stability
 * code, on deciles of the primary's scores). Once cut off it stays off for the life of the service.
 */
import { binCounts, psi, quantileEdges } from '../model/index.js';
import type { RollbackReason } from '../metrics.js';
import { CANARY_SLO_DEFAULTS, type CanarySlo } from './canary-slo.js';
import { TimedRing } from './timed-ring.js';

export interface CanaryVerdict {
  readonly reason: RollbackReason;
  /** What was measured, and the limit it passed. */
  readonly value: number;
  readonly limit: number;
  /** Canary requests in the window when it was judged. */
  readonly requests: number;
  readonly message: string;
}

export interface CanaryReading {
  readonly requests: number;
  readonly errorRate: number | null;
  readonly p99Seconds: number | null;
  readonly scorePsi: number | null;
}

/** Requests of a time window are kept up to this many (the newest). */
const MAX_TIMED_REQUESTS = 50_000;
/** Scores kept per side for the drift check. */
const MAX_SCORES = 20_000;
/** The score PSI is recomputed every this many canary requests (it sorts the primary's scores). */
const PSI_EVERY = 10;
const SCORE_BINS = 10;

export class CanaryGuard {
  readonly slo: CanarySlo;
  readonly #now: () => number;
  readonly #onCutOff: (verdict: CanaryVerdict) => void;
  readonly #errors: TimedRing;
  readonly #seconds: TimedRing;
  readonly #canaryScores = new TimedRing(MAX_SCORES);
  readonly #primaryScores = new TimedRing(MAX_SCORES);
  #verdict: CanaryVerdict | undefined;
  #since: Date | undefined;
  #recorded = 0;
  #lastPsi: number | null = null;

  constructor({ slo = CANARY_SLO_DEFAULTS, now = () => Date.now(), onCutOff = () => {} }: { slo?: CanarySlo; now?: () => number; onCutOff?: (verdict: CanaryVerdict) => void } = {}) {
    this.slo = slo;
    this.#now = now;
    this.#onCutOff = onCutOff;
    const capacity = 'requests' in slo.window ? slo.window.requests : MAX_TIMED_REQUESTS;
    this.#errors = new TimedRing(capacity);
    this.#seconds = new TimedRing(capacity);
  }

  get active(): boolean {
    return this.#verdict === undefined;
  }

  /** Why it was cut off, and when (undefined while active). */
  get cutOff(): (CanaryVerdict & { readonly since: Date }) | undefined {
    return this.#verdict && this.#since ? { ...this.#verdict, since: this.#since } : undefined;
  }

  /** Scores the primary gave (the drift check's reference). */
  recordPrimary(scores: ArrayLike<number>): void {
    if (!this.active) return;
    const t = this.#now();
    for (let i = 0; i < scores.length; i++) this.#primaryScores.push(t, scores[i] as number);
  }

  /** One canary request: whether its scoring failed, how long it took, and its scores when it did not fail. Cuts the canary off when an SLO breaks. */
  recordCanary({ failed, seconds, scores }: { failed: boolean; seconds: number; scores?: ArrayLike<number> }): CanaryVerdict | undefined {
    if (!this.active) return undefined;
    const t = this.#now();
    this.#errors.push(t, failed ? 1 : 0);
    this.#seconds.push(t, seconds);
    if (scores) for (let i = 0; i < scores.length; i++) this.#canaryScores.push(t, scores[i] as number);
    this.#recorded++;
    const verdict = this.#judge();
    if (verdict) {
      this.#verdict = verdict;
      this.#since = new Date();
      this.#onCutOff(verdict);
    }
    return verdict;
  }

  /** The window's figures now (null: too few requests or rows to say). */
  reading(): CanaryReading {
    const start = this.#windowStart();
    const errors = this.#errors.valuesSince(start);
    const enough = errors.length >= this.#minRequests();
    return { requests: errors.length, errorRate: enough ? sum(errors) / errors.length : null, p99Seconds: enough ? p99(this.#seconds.valuesSince(start)) : null, scorePsi: this.#lastPsi };
  }

  #minRequests(): number {
    return 'requests' in this.slo.window ? Math.min(this.slo.minRequests, this.slo.window.requests) : this.slo.minRequests;
  }

  /** Where the window starts: the oldest of the last N canary requests, or T minutes ago. */
  #windowStart(): number {
    const { window } = this.slo;
    if ('minutes' in window) {
      const start = this.#now() - window.minutes * 60_000;
      for (const ring of [this.#errors, this.#seconds, this.#canaryScores, this.#primaryScores]) ring.dropBefore(start);
      return start;
    }
    return this.#errors.oldest() ?? this.#now();
  }

  #judge(): CanaryVerdict | undefined {
    const { maxErrorRate, maxP99Seconds, maxScorePsi, minScoreRows, window } = this.slo;
    const start = this.#windowStart();
    const errors = this.#errors.valuesSince(start);
    const failed = sum(errors);
    const n = errors.length;
    // With a window of N requests, more than maxErrorRate·N failures break the SLO whatever comes next: no need to wait for N.
    const certain = 'requests' in window && failed > maxErrorRate * window.requests;
    if (certain || (n >= this.#minRequests() && failed / n > maxErrorRate)) {
      const rate = failed / n;
      return { reason: 'error_rate', value: rate, limit: maxErrorRate, requests: n, message: `${failed} of its last ${n} requests failed in scoring (${pct(rate)} > ${pct(maxErrorRate)})` };
    }
    if (n >= this.#minRequests()) {
      const p = p99(this.#seconds.valuesSince(start));
      if (p > maxP99Seconds) return { reason: 'latency', value: p, limit: maxP99Seconds, requests: n, message: `its p99 scoring time over ${n} requests is ${ms(p)} (> ${ms(maxP99Seconds)})` };
    }
    if (this.#recorded % PSI_EVERY === 0) {
      const canary = this.#canaryScores.valuesSince(start);
      const primary = this.#primaryScores.valuesSince(start);
      if (canary.length >= minScoreRows && primary.length >= minScoreRows) {
        const edges = quantileEdges(primary, SCORE_BINS);
        const value = psi(binCounts(primary, edges), binCounts(canary, edges));
        this.#lastPsi = value;
        if (value > maxScorePsi) return { reason: 'score_drift', value, limit: maxScorePsi, requests: n, message: `the PSI of its ${canary.length} scores against the primary's ${primary.length} is ${value.toFixed(3)} (> ${maxScorePsi})` };
      }
    }
    return undefined;
  }
}

function sum(values: Float64Array): number {
  let s = 0;
  for (const v of values) s += v;
  return s;
}

/** The 99th percentile (nearest rank). */
function p99(values: Float64Array): number {
  if (values.length === 0) return 0;
  const sorted = values.slice().sort();
  return sorted[Math.max(0, Math.ceil(0.99 * sorted.length) - 1)] as number;
}

const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
const ms = (s: number) => `${(s * 1000).toFixed(2)} ms`;
