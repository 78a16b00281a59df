/**
 * @module The model the service answers with, swapped while it serves. A reload loads and warms
 * the new model completely before one assignment makes it current; a failed load leaves the old
 * one serving; reloads asked for while one runs coalesce into a single next one; the old model is
 * disposed only when the last request holding it lets go.
 */

export interface Lease<M> {
  readonly model: M;
  /** Idempotent. */
  release(): void;
}

export type ReloadOutcome<M> = { readonly ok: true; readonly model: M; readonly previous: M } | { readonly ok: false; readonly error: unknown };

export interface ReloadStatus {
  readonly at: Date;
  readonly ok: boolean;
  /** The failed load's message. */
  readonly error?: string;
}

export interface ModelSlotOptions<M> {
  /** Runs on a loaded model before it becomes current (a few predictions, so the first request pays no compile cost). */
  warm?: (model: M) => void | Promise<void>;
  /** Frees a model once no request holds it (tf.dispose of its tensors). */
  dispose?: (model: M) => void | Promise<void>;
  /** Told when dispose throws; the model is gone from the slot either way. */
  onDisposeError?: (error: unknown) => void;
}

interface Entry<M> {
  readonly model: M;
  readonly loadedAt: Date;
  refs: number;
  retired: boolean;
  disposed?: boolean;
}

export class ModelSlot<M> {
  #current: Entry<M>;
  readonly #options: ModelSlotOptions<M>;
  #running: Promise<ReloadOutcome<M>> | undefined;
  #queued: { load: () => Promise<M>; promise: Promise<ReloadOutcome<M>> } | undefined;
  #lastReload: ReloadStatus | undefined;

  /** `initial` must already be loaded and warmed. */
  constructor(initial: M, options: ModelSlotOptions<M> = {}) {
    this.#current = { model: initial, loadedAt: new Date(), refs: 0, retired: false };
    this.#options = options;
  }

  get current(): M {
    return this.#current.model;
  }

  get loadedAt(): Date {
    return this.#current.loadedAt;
  }

  /** How the last reload went (undefined before the first). */
  get lastReload(): ReloadStatus | undefined {
    return this.#lastReload;
  }

  get reloading(): boolean {
    return this.#running !== undefined;
  }

  /** Holds the current model until `release()`: a reload will not dispose it before then. */
  acquire(): Lease<M> {
    const entry = this.#current;
    entry.refs++;
    let released = false;
    return {
      model: entry.model,
      release: () => {
        if (released) return;
        released = true;
        entry.refs--;
        if (entry.retired && entry.refs === 0) this.#dispose(entry);
      },
    };
  }

  /** Runs `fn` with the current model, holding it until `fn` settles. */
  async use<T>(fn: (model: M) => T | Promise<T>): Promise<T> {
    const lease = this.acquire();
    try {
      return await fn(lease.model);
    } finally {
      lease.release();
    }
  }

  /**
   * Loads (and warms) a model with `load`, then makes it current. While a reload runs, further
   * calls share one reload that starts after it, with the last `load` given: a tag that moved twice
   * during a load is loaded once more, not twice.
   */
  reload(load: () => Promise<M>): Promise<ReloadOutcome<M>> {
    if (this.#running === undefined) return this.#start(load);
    if (this.#queued !== undefined) {
      this.#queued.load = load;
      return this.#queued.promise;
    }
    const queued = { load, promise: undefined as unknown as Promise<ReloadOutcome<M>> };
    queued.promise = this.#running.then(() => {
      this.#queued = undefined;
      return this.#start(queued.load);
    });
    this.#queued = queued;
    return queued.promise;
  }

  /** Disposes the current model once no request holds it (at shutdown). */
  close(): void {
    this.#retire(this.#current);
  }

  #start(load: () => Promise<M>): Promise<ReloadOutcome<M>> {
    const run = this.#loadAndSwap(load).finally(() => {
      if (this.#running === run) this.#running = undefined;
    });
    this.#running = run;
    return run;
  }

  async #loadAndSwap(load: () => Promise<M>): Promise<ReloadOutcome<M>> {
    let model: M;
    try {
      model = await load();
    } catch (error) {
      this.#lastReload = { at: new Date(), ok: false, error: error instanceof Error ? error.message : String(error) };
      return { ok: false, error };
    }
    try {
      await this.#options.warm?.(model);
    } catch (error) {
      this.#lastReload = { at: new Date(), ok: false, error: `warming the new model failed: ${error instanceof Error ? error.message : String(error)}` };
      this.#dispose({ model, loadedAt: new Date(), refs: 0, retired: true });
      return { ok: false, error };
    }
    const previous = this.#current;
    this.#current = { model, loadedAt: new Date(), refs: 0, retired: false };
    this.#lastReload = { at: this.#current.loadedAt, ok: true };
    this.#retire(previous);
    return { ok: true, model, previous: previous.model };
  }

  #retire(entry: Entry<M>): void {
    if (entry.retired) return;
    entry.retired = true;
    if (entry.refs === 0) this.#dispose(entry);
  }

  #dispose(entry: Entry<M>): void {
    const { dispose, onDisposeError } = this.#options;
    if (!dispose || entry.disposed) return;
    entry.disposed = true;
    try {
      void Promise.resolve(dispose(entry.model)).catch((err: unknown) => onDisposeError?.(err));
    } catch (err) {
      onDisposeError?.(err);
    }
  }
}
