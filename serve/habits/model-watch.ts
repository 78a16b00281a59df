/**
 * @module The triggers of a hot reload: a watcher that polls something cheap to read (by default
 * which version holds a registry stage, from the repository's tags) and calls back when it
 * changes, trying a change that did not take again with a backoff; and SIGHUP. The reading is a
 * function passed in, so the polling is tested without git.
 */
import { readRegistry } from '../../runner/index.js';

/** Which try of a value a call of onChange is, and what follows if it does not take. */
export interface ChangeAttempt {
  /** 0 for the first try of a value, then 1, 2, … while it does not take. */
  readonly retry: number;
  /** How long the watcher waits before trying the value again if this try does not take. */
  readonly nextRetryMs: number;
  /** Whether that wait is the longest (maxRetryMs): the backoff has stopped growing. */
  readonly atCap: boolean;
}

export interface WatchOptions {
  /** What is being watched, as a string that changes when the model should be reloaded; undefined when there is nothing to serve (a stage with no holder): no reload. */
  read: () => Promise<string | undefined>;
  intervalMs: number;
  /** The value the running model corresponds to (else the first read sets it, without a reload). */
  initial?: string;
  /**
   * Applies a change (reloads). Resolves to false when it did not take (a load failed): the value is
   * tried again on later polls, after 1, 2, 4… intervals up to maxRetryMs, until it takes; a value
   * that moves on starts again at once. A string says which value took, when not the one read (the
   * stage moved again during the load).
   */
  onChange: (value: string, previous: string | undefined, attempt: ChangeAttempt) => void | boolean | string | Promise<void | boolean | string>;
  /** A failed read, or an onChange that threw (then tried again as one that did not take); polling goes on. */
  onError?: (error: unknown) => void;
  /** The longest wait between tries of a change that did not take (default 5 minutes). */
  maxRetryMs?: number;
  /**
   * Told once when the value vanishes (a stage left with no holder: nothing to change to, the applied
   * value stays), and once when a value is read again, before any onChange for it.
   */
  onVacancy?: (vacant: boolean, value: string | undefined, applied: string | undefined) => void;
  /** Told when whether the applied value is the one last read flips (it starts so): false while the value is gone, or a change to it has not taken. */
  onInSync?: (inSync: boolean) => void;
}

export const MAX_RETRY_MS = 5 * 60_000;

/** A change that did not take: tried again once `wait` more polls have read it. */
interface Pending {
  readonly value: string;
  readonly retry: number;
  /** Polls between the last try and the next. */
  readonly delay: number;
  wait: number;
}

export class ChangeWatcher {
  readonly #options: WatchOptions;
  /** The value the running model corresponds to. */
  #applied: string | undefined;
  #known: boolean;
  /** What the last read said. */
  #read: string | undefined;
  #vacant = false;
  #inSync = true;
  #pending: Pending | undefined;
  #timer: NodeJS.Timeout | undefined;
  #stopped = true;

  constructor(options: WatchOptions) {
    this.#options = options;
    this.#applied = options.initial;
    this.#read = options.initial;
    this.#known = options.initial !== undefined;
  }

  /** Polls between tries at the longest wait. */
  get #capPolls(): number {
    return Math.max(1, Math.floor((this.#options.maxRetryMs ?? MAX_RETRY_MS) / this.#options.intervalMs));
  }

  /**
   * Reads once; calls onChange (and waits for it) when the value differs from the applied one, unless
   * it is a change that did not take and its next try is not due yet. Resolves to whether onChange ran.
   */
  async check(): Promise<boolean> {
    const { read, onChange, onError, onVacancy, intervalMs } = this.#options;
    let value: string | undefined;
    try {
      value = await read();
    } catch (err) {
      onError?.(err);
      return false;
    }
    this.#read = value;
    if (!this.#known) {
      this.#known = true;
      this.#applied = value;
    }
    if (value === undefined) {
      this.#pending = undefined;
      if (!this.#vacant) {
        this.#vacant = true;
        onVacancy?.(true, undefined, this.#applied);
      }
      this.#sync();
      return false;
    }
    if (this.#vacant) {
      this.#vacant = false;
      onVacancy?.(false, value, this.#applied);
    }
    if (value === this.#applied) {
      this.#pending = undefined;
      this.#sync();
      return false;
    }
    const pending = this.#pending?.value === value ? this.#pending : undefined;
    if (pending && pending.wait > 0) {
      pending.wait--;
      return false;
    }
    const retry = pending ? pending.retry + 1 : 0;
    const delay = pending ? Math.min(pending.delay * 2, this.#capPolls) : 1;
    let took: void | boolean | string;
    try {
      took = await onChange(value, this.#applied, { retry, nextRetryMs: delay * intervalMs, atCap: delay >= this.#capPolls });
    } catch (err) {
      onError?.(err);
      took = false;
    }
    if (took === false) {
      this.#pending = { value, retry, delay, wait: delay - 1 };
    } else {
      this.#pending = undefined;
      this.#applied = typeof took === 'string' ? took : value;
      // The stage moved again during the load and the load followed it: that is the newest read.
      if (typeof took === 'string') this.#read = took;
    }
    this.#sync();
    return true;
  }

  /** Says what the running model corresponds to after a reload the watcher did not ask for (SIGHUP): a change it already holds is not tried again. */
  served(value: string | undefined): void {
    if (value === undefined) return;
    this.#known = true;
    this.#applied = value;
    // A SIGHUP resolves the stage afresh: what it loaded holds the stage now.
    this.#read = value;
    if (this.#pending?.value === value) this.#pending = undefined;
    this.#sync();
  }

  #sync(): void {
    const inSync = this.#read !== undefined && this.#read === this.#applied;
    if (inSync === this.#inSync) return;
    this.#inSync = inSync;
    this.#options.onInSync?.(inSync);
  }

  /** Polls every intervalMs, one check at a time; the timer does not keep the process alive. */
  start(): this {
    if (!this.#stopped) return this;
    this.#stopped = false;
    const tick = () => {
      this.#timer = setTimeout(() => {
        void this.check().finally(() => {
          if (!this.#stopped) tick();
        });
      }, this.#options.intervalMs);
      this.#timer.unref();
    };
    tick();
    return this;
  }

  stop(): void {
    this.#stopped = true;
    clearTimeout(this.#timer);
  }
}

/** A `read` for ChangeWatcher: which version (and commit) holds `stage` of `artifact` in the registry of the repository at `root`. */
export function stageHolderReader(root: string, artifact: string, stage: string): () => Promise<string | undefined> {
  return async () => {
    const holder = (await readRegistry(root)).get(artifact)?.stages.get(stage)?.[0];
    return holder && `${holder.version} ${holder.commit}`;
  };
}

/** Calls `reload` on each `signal` (SIGHUP by default) until the returned function is called. */
export function reloadOnSignal(reload: () => void, { signal = 'SIGHUP', target = process }: { signal?: NodeJS.Signals; target?: Pick<NodeJS.Process, 'on' | 'off'> } = {}): () => void {
  const handler = () => reload();
  target.on(signal, handler);
  return () => void target.off(signal, handler);
}
