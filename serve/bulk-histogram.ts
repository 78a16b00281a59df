/**
 * @module A prom-client Histogram without labels that also counts a whole array of values in one
 * call: the prediction-score histogram takes every scored row, and prom-client's observe() (label
 * conversion, validation and hashing per call) was ~280 ns a value, 5 % of a 1,000-row batch's
 * CPU. The array's values are counted into typed arrays and added to what prom-client exposes
 * when it is read; text and JSON (a cluster's aggregation) read the same figures as if each value
 * had been observed in order (bulk-histogram.test.ts holds them equal).
 */
import { Histogram, type Registry } from 'prom-client';

type Exposed = Awaited<ReturnType<Histogram['get']>>;

/**
 * prom-client's text exposition and get() both read a histogram through this (untyped) method, so
 * the bulk counts are added there; a prom-client without it is refused at start-up rather than
 * exposing counts without them.
 */
const base = (Histogram.prototype as unknown as { getForPromString?: (this: Histogram) => Promise<Exposed> }).getForPromString;

export class BulkHistogram extends Histogram {
  private readonly bounds: Float64Array;
  /** Values per bucket (not cumulative); the ones above the last bound only in `count`. */
  private readonly perBucket: Float64Array;
  private count = 0;
  private sum = 0;
  private readonly names: { readonly bucket: string; readonly sum: string; readonly count: string };

  constructor(configuration: { name: string; help: string; buckets: readonly number[]; registers: Registry[] }) {
    if (typeof base !== 'function') throw new TypeError('this prom-client has no Histogram.getForPromString; BulkHistogram needs it (serve/bulk-histogram.ts)');
    super({ ...configuration, buckets: [...configuration.buckets] });
    this.bounds = Float64Array.from(configuration.buckets);
    this.perBucket = new Float64Array(this.bounds.length);
    const { name } = configuration;
    this.names = { bucket: `${name}_bucket`, sum: `${name}_sum`, count: `${name}_count` };
  }

  /** Counts every value of `values` (finite numbers), as observe() on each in turn would (use this or observe(), not both). */
  observeAll(values: ArrayLike<number>): void {
    if (values.length === 0) return;
    // After a reset prom-client exposes no series until a value comes; the bulk counts need one to add to.
    if (this.count === 0) this.zero({});
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

  override reset(): void {
    super.reset();
    // prom-client's constructor resets too, before this class's fields exist.
    (this.perBucket as Float64Array | undefined)?.fill(0);
    this.count = 0;
    this.sum = 0;
  }

  /** prom-client's figures plus the bulk ones (see `base`). */
  async getForPromString(): Promise<Exposed> {
    const data = await (base as (this: Histogram) => Promise<Exposed>).call(this);
    const names = this.names;
    for (const value of data.values) {
      const labels = value.labels as Record<string, string | number | undefined>;
      if (value.metricName === names.bucket) {
        if (labels.le === '+Inf') value.value += this.count;
        else {
          let below = 0;
          for (let b = 0; b < this.bounds.length && (this.bounds[b] as number) <= Number(labels.le); b++) below += this.perBucket[b] as number;
          value.value += below;
        }
      } else if (value.metricName === names.sum) value.value += this.sum;
      else if (value.metricName === names.count) value.value += this.count;
    }
    return data;
  }
}
