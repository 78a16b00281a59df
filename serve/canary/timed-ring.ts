/** @module A fixed-capacity ring of (time, value) pairs, oldest first: the canary guard's windows, with no allocation per entry. */

export class TimedRing {
  readonly #times: Float64Array;
  readonly #values: Float64Array;
  #start = 0;
  #size = 0;

  constructor(readonly capacity: number) {
    this.#times = new Float64Array(capacity);
    this.#values = new Float64Array(capacity);
  }

  get size(): number {
    return this.#size;
  }

  /** Adds one pair; a full ring forgets its oldest. */
  push(time: number, value: number): void {
    const at = (this.#start + this.#size) % this.capacity;
    this.#times[at] = time;
    this.#values[at] = value;
    if (this.#size < this.capacity) this.#size++;
    else this.#start = (this.#start + 1) % this.capacity;
  }

  /** Forgets the pairs older than `time`. */
  dropBefore(time: number): void {
    while (this.#size > 0 && (this.#times[this.#start] as number) < time) {
      this.#start = (this.#start + 1) % this.capacity;
      this.#size--;
    }
  }

  /** The oldest time held (undefined when empty). */
  oldest(): number | undefined {
    return this.#size === 0 ? undefined : this.#times[this.#start];
  }

  /** The values whose time is at or after `since`, oldest first. */
  valuesSince(since = -Infinity): Float64Array {
    const out: number[] = [];
    for (let k = 0; k < this.#size; k++) {
      const i = (this.#start + k) % this.capacity;
      if ((this.#times[i] as number) >= since) out.push(this.#values[i] as number);
    }
    return Float64Array.from(out);
  }
}
