/**
 * @module The rolling windows the drift monitor counts in: per bin of every column, how many rows
 * of the window fell in it. Adding a row costs one increment per column (and, once the window is
 * full, one decrement per column for the row that leaves); reading the counts costs nothing.
 */

export interface BinWindow {
  /** Rows per bin, every column's bins one after the other (the monitor's layout). */
  readonly counts: Int32Array;
  /** Whether the window needs the time (the row window does not: asking the clock costs more than counting). */
  readonly timed: boolean;
  /** Rows in the window at `now`, after dropping the ones that left it. */
  rows(now: number): number;
  /** Adds one row: `bins[c]` is its bin in column c (as an index into `counts`). */
  add(bins: Uint32Array, now: number): void;
}

/** The last `maxRows` rows, exactly: a ring of each row's bins, so the oldest can be taken back out. */
export class RowWindow implements BinWindow {
  readonly counts: Int32Array;
  readonly timed = false;
  private readonly ring: Uint32Array;
  private head = 0;
  private size = 0;

  constructor(
    totalBins: number,
    private readonly columns: number,
    private readonly maxRows: number,
  ) {
    this.counts = new Int32Array(totalBins);
    this.ring = new Uint32Array(maxRows * columns);
  }

  rows(): number {
    return this.size;
  }

  add(bins: Uint32Array): void {
    const { ring, counts, columns, maxRows } = this;
    if (this.size === maxRows) {
      // The oldest row's slot is the new row's: one pass takes it out and puts the new one in.
      const slot = this.head * columns;
      for (let c = 0; c < columns; c++) {
        const b = bins[c] as number;
        counts[ring[slot + c] as number]!--;
        ring[slot + c] = b;
        counts[b]!++;
      }
      this.head = this.head + 1 === maxRows ? 0 : this.head + 1;
      return;
    }
    const at = this.head + this.size;
    const slot = (at < maxRows ? at : at - maxRows) * columns;
    for (let c = 0; c < columns; c++) {
      const b = bins[c] as number;
      ring[slot + c] = b;
      counts[b]!++;
    }
    this.size++;
  }
}

/** Buckets a time window is kept in: rows leave it a bucket at a time, so the window is exact to 1/60 of its length. */
export const TIME_BUCKETS = 60;

/**
 * The rows of the last `minutes` minutes, as counts per bucket of minutes/60: memory does not
 * grow with the request rate. The window holds the current bucket and the 59 before it.
 */
export class TimeWindow implements BinWindow {
  readonly counts: Int32Array;
  readonly timed = true;
  private readonly bucketMs: number;
  private readonly bucketCounts: Int32Array;
  private readonly bucketRows = new Int32Array(TIME_BUCKETS);
  /** The bucket number (time / bucketMs) each slot holds, -1 when empty. */
  private readonly bucketIds = new Float64Array(TIME_BUCKETS).fill(-1);
  private current = -1;
  private size = 0;

  constructor(
    private readonly totalBins: number,
    private readonly columns: number,
    minutes: number,
  ) {
    this.counts = new Int32Array(totalBins);
    this.bucketCounts = new Int32Array(TIME_BUCKETS * totalBins);
    this.bucketMs = (minutes * 60_000) / TIME_BUCKETS;
  }

  /** Moves to the bucket of `now` (never backwards), emptying the buckets that fell out of the window. */
  private advance(now: number): number {
    const id = Math.max(this.current, Math.floor(now / this.bucketMs));
    if (id === this.current) return id;
    this.current = id;
    for (let s = 0; s < TIME_BUCKETS; s++) {
      const slotId = this.bucketIds[s] as number;
      if (slotId === -1 || slotId > id - TIME_BUCKETS) continue;
      const base = s * this.totalBins;
      for (let b = 0; b < this.totalBins; b++) {
        this.counts[b]! -= this.bucketCounts[base + b] as number;
        this.bucketCounts[base + b] = 0;
      }
      this.size -= this.bucketRows[s] as number;
      this.bucketRows[s] = 0;
      this.bucketIds[s] = -1;
    }
    return id;
  }

  rows(now: number): number {
    this.advance(now);
    return this.size;
  }

  add(bins: Uint32Array, now: number): void {
    const id = this.advance(now);
    const s = id % TIME_BUCKETS;
    this.bucketIds[s] = id;
    this.bucketRows[s]!++;
    const base = s * this.totalBins;
    for (let c = 0; c < this.columns; c++) {
      const b = bins[c] as number;
      this.bucketCounts[base + b]!++;
      this.counts[b]!++;
    }
    this.size++;
  }
}
