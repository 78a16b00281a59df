/**
 * @module The triggers of a hot reload: a watcher that polls something cheap to read (by default
 * which version holds a registry stage, from the repository's tags) and calls back when it
 * changes, and SIGHUP. The reading is a function passed in, so the polling is tested without git.
 */
import { readRegistry } from '../../runner/index.js';

export interface WatchOptions {
  /** What is being watched, as a string that changes when the model should be reloaded; undefined when there is nothing to serve (a stage with no holder): no reload. */
  read: () => Promise<string | undefined>;
  intervalMs: number;
  /** The value the running model corresponds to (else the first read sets it, without a reload). */
  initial?: string;
  onChange: (value: string, previous: string | undefined) => void | Promise<void>;
  /** A failed read or onChange; polling goes on. */
  onError?: (error: unknown) => void;
}

export class ChangeWatcher {
  readonly #options: WatchOptions;
  #last: string | undefined;
  #known: boolean;
  #timer: NodeJS.Timeout | undefined;
  #stopped = true;

  constructor(options: WatchOptions) {
    this.#options = options;
    this.#last = options.initial;
    this.#known = options.initial !== undefined;
  }

  /** Reads once; calls onChange (and waits for it) when the value moved. Resolves to whether it did. */
  async check(): Promise<boolean> {
    const { read, onChange, onError } = this.#options;
    try {
      const value = await read();
      if (!this.#known) {
        this.#known = true;
        this.#last = value;
        return false;
      }
      if (value === undefined || value === this.#last) return false;
      const previous = this.#last;
      this.#last = value;
      await onChange(value, previous);
      return true;
    } catch (err) {
      onError?.(err);
      return false;
    }
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
