/**
 * @module A prom-client Histogram whose series count their values in typed arrays: one series
 * (a label set) is bound once and then takes a value, or a whole array of values, without
 * prom-client's per-call label conversion, validation and hashing (~300 ns an observe(): the
 * score histogram took one per scored row, 5 % of a 1,000-row batch's CPU, and the request and
 * scoring durations two per request). The counts are added to what prom-client exposes when it
 * is read, so text and JSON (a cluster's aggregation) read the same figures as if each value had
 * been observed in order (bulk-histogram.test.ts holds them equal).
 */
import { Histogram, type Registry } from 'prom-client';

type Exposed = Awaited<ReturnType<Histogram['get']>>;

/**
 * prom-client's text exposition and get() both read a histogram through this (untyped) method, so
 * the bulk counts are added there; a prom-client without it is refused at start-up rather than
 * exposing counts without them.
 */
const base = (Histogram.prototype as unknown as { getForPromString?: (this: Histogram) => Promise<Exposed> }).getForPromString;

/** One label set's values. */
export interface HistogramSeries {
  observe(value: number): void;
  /** Every value of `values`, in order, as observe() on each would. */
  observeAll(values: ArrayLike<number>): void;
}

class Series implements HistogramSeries {
  /** Values per bucket (not cumulative); the ones above the last bound only in `count`. */
  readonly perBucket: Float64Array;
  count = 0;
  sum = 0;

  constructor(
    private readonly owner: BulkHistogram<string>,
    private readonly labels: Readonly<Record<string, string>>,
    private readonly bounds: Float64Array,
  ) {
    this.perBucket = new Float64Array(bounds.length);
  }

  /** prom-client exposes a series once it has one (after a reset too): the counts need one to be added to. */
  private exist(): void {
    if (this.count === 0) this.owner.zero(this.labels);
  }

  observe(value: number): void {
    this.exist();
    const { bounds } = this;
    for (let b = 0; b < bounds.length; b++)
      if (value <= (bounds[b] as number)) {
        this.perBucket[b]!++;
        break;
      }
    this.sum += value;
    this.count++;
  }

  observeAll(values: ArrayLike<number>): void {
    if (values.length === 0) return;
    this.exist();
    const { bounds, perBucket } = this;
    let sum = this.sum;
    for (let i = 0; i < values.length; i++) {
      const v = values[i] as number;
      sum += v;
      for (let b = 0; b < bounds.length; b++)
        if (v <= (bounds[b] as number)) {
          perBucket[b]!++;
          break;
        }
    }
    this.sum = sum;
    this.count += values.length;
  }

  clear(): void {
    this.perBucket.fill(0);
    this.count = 0;
    this.sum = 0;
  }
}

/** Counts values through series() (or observeAll without labels); prom-client's own observe() on the same label set is not to be mixed in. */
export class BulkHistogram<T extends string = string> extends Histogram<T> {
  private readonly bounds: Float64Array;
  private readonly order: readonly string[];
  private readonly bySeries = new Map<string, Series>();
  private readonly names: { readonly bucket: string; readonly sum: string; readonly count: string };

  constructor(configuration: { name: string; help: string; buckets: readonly number[]; labelNames?: readonly T[]; registers: Registry[] }) {
    if (typeof base !== 'function') throw new TypeError('this prom-client has no Histogram.getForPromString; BulkHistogram needs it (serve/bulk-histogram.ts)');
    super({ ...configuration, buckets: [...configuration.buckets], labelNames: [...(configuration.labelNames ?? [])] });
    this.bounds = Float64Array.from(configuration.buckets);
    this.order = [...(configuration.labelNames ?? [])];
    const { name } = configuration;
    this.names = { bucket: `${name}_bucket`, sum: `${name}_sum`, count: `${name}_count` };
  }

  private keyOf(labels: Readonly<Record<string, unknown>>): string {
    return this.order.map((n) => String(labels[n] ?? '')).join('\u0000');
  }

  /** The series of `labels` (every label name given), bound once. */
  series(labels: Readonly<Partial<Record<T, string>>> = {} as Readonly<Partial<Record<T, string>>>): HistogramSeries {
    const key = this.keyOf(labels);
    let s = this.bySeries.get(key);
    if (s === undefined) {
      s = new Series(this as unknown as BulkHistogram<string>, labels as Record<string, string>, this.bounds);
      this.bySeries.set(key, s);
    }
    return s;
  }

  /** Every value of `values` into the histogram without labels. */
  observeAll(values: ArrayLike<number>): void {
    this.series().observeAll(values);
  }

  override reset(): void {
    super.reset();
    // prom-client's constructor resets too, before this class's fields exist.
    (this.bySeries as Map<string, Series> | undefined)?.forEach((s) => s.clear());
  }

  /** prom-client's figures plus the bulk ones (see `base`). */
  async getForPromString(): Promise<Exposed> {
    const data = await (base as (this: Histogram<T>) => Promise<Exposed>).call(this);
    const { names, bounds } = this;
    for (const value of data.values) {
      // Here (before get() merges them) a series' labels are the value's sharedLabels; `le` is in labels.
      const labels = value.labels as Record<string, string | number | undefined>;
      const s = this.bySeries.get(this.keyOf({ ...(value as { sharedLabels?: Record<string, unknown> }).sharedLabels, ...labels }));
      if (s === undefined) continue;
      if (value.metricName === names.bucket) {
        if (labels.le === '+Inf') value.value += s.count;
        else {
          let below = 0;
          for (let b = 0; b < bounds.length && (bounds[b] as number) <= Number(labels.le); b++) below += s.perBucket[b] as number;
          value.value += below;
        }
      } else if (value.metricName === names.sum) value.value += s.sum;
      else if (value.metricName === names.count) value.value += s.count;
    }
    return data;
  }
}
