/** @module Wires the reload triggers (SIGHUP, and a watcher on the registry) to a ModelSlot, and says on the log what each reload did. */
import type { ModelSlot, ReloadOutcome } from './model-slot.js';
import { ChangeWatcher, reloadOnSignal, type ChangeAttempt } from './model-watch.js';

export interface HotReloadOptions<M> {
  slot: ModelSlot<M>;
  /** Loads the model to serve now (resolving the reference again, so a moved tag is followed). */
  load: () => Promise<M>;
  /** How a model is named in the log (its version). */
  describe?: (model: M) => string;
  /**
   * Poll `read` (stageHolderReader) every intervalMs and reload when it changes; `initial` is what
   * the running model corresponds to, `valueFor` what a loaded one does (so a SIGHUP that loaded the
   * stage's holder is not followed by a reload to it). A load that fails is tried again with a backoff
   * up to maxRetryMs. `stage` names what is watched in the log (churn#prod); `onHeld` is told when
   * whether the served model is the stage's holder, as last read, flips (it starts so): false while
   * the stage has no holder, or while the load of its holder fails.
   */
  watch?: {
    read: () => Promise<string | undefined>;
    intervalMs: number;
    initial?: string;
    valueFor?: (model: M) => string | undefined;
    maxRetryMs?: number;
    stage?: string;
    onHeld?: (held: boolean) => void;
  };
  signal?: NodeJS.Signals | false;
  log?: (message: string) => void;
  target?: Pick<NodeJS.Process, 'on' | 'off'>;
  /** Told how each reload went (metrics). */
  onReload?: (outcome: ReloadOutcome<M>) => void;
}

export interface HotReload<M> {
  /** Reloads now (as SIGHUP does). */
  reload(): Promise<ReloadOutcome<M>>;
  /** Checks the watched value now; resolves once any reload it caused is done. */
  check(): Promise<boolean>;
  stop(): void;
}

const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error));

/** A wait as a person reads it: 4 s, 90 s, 5 min. */
export const describeWait = (ms: number) => {
  const s = Math.round(ms / 1000);
  return s >= 120 && s % 60 === 0 ? `${s / 60} min` : `${s} s`;
};

export function hotReload<M>({ slot, load, describe = () => 'the model', watch, signal = 'SIGHUP', log = (m) => void process.stderr.write(`${m}\n`), target = process, onReload }: HotReloadOptions<M>): HotReload<M> {
  const told = new WeakSet<ReloadOutcome<M>>();
  /** Loads and swaps; says how it went unless `quiet` says a failure need not be told (the same one again). */
  const reload = async (why: string, { quiet = () => false, next = '' }: { quiet?: (error: string) => boolean; next?: string } = {}) => {
    const outcome = await slot.reload(load);
    // Reloads asked for during one share its outcome: counted once.
    if (!told.has(outcome)) {
      told.add(outcome);
      onReload?.(outcome);
    }
    if (outcome.ok) {
      watcher?.served(watch?.valueFor?.(outcome.model));
      log(`pipe serve: ${why}: now serving ${describe(outcome.model)} (was ${describe(outcome.previous)}).`);
    } else if (!quiet(messageOf(outcome.error))) log(`pipe serve: ${why}: the new model did not load, still serving ${describe(slot.current)}: ${messageOf(outcome.error)}${next}`);
    return outcome;
  };
  // The last failure told of a change being tried again: the same one is not told on every try.
  let lastFailure: string | undefined;
  const follow = async (value: string, attempt: ChangeAttempt) => {
    const version = value.split(' ')[0];
    if (attempt.retry === 0) lastFailure = undefined;
    const outcome = await reload(attempt.retry === 0 ? `the watched stage moved to ${version}` : `trying ${version} again, which holds the watched stage`, {
      // Told the first time, when the error changes, and at every try once the wait is at its longest.
      quiet: (error) => attempt.retry > 0 && error === lastFailure && !attempt.atCap,
      next: ` (trying again in ${describeWait(attempt.nextRetryMs)})`,
    });
    if (!outcome.ok) {
      lastFailure = messageOf(outcome.error);
      return false;
    }
    return watch?.valueFor?.(outcome.model) ?? true;
  };
  // Declared after `reload`, which reads it only once a signal or a poll runs, both after this line.
  const watcher: ChangeWatcher | undefined = watch
    ? new ChangeWatcher({
        read: watch.read,
        intervalMs: watch.intervalMs,
        ...(watch.initial === undefined ? {} : { initial: watch.initial }),
        ...(watch.maxRetryMs === undefined ? {} : { maxRetryMs: watch.maxRetryMs }),
        onChange: (value, _previous, attempt) => follow(value, attempt),
        onError: (err) => log(`pipe serve: reading the registry failed (will try again): ${messageOf(err)}`),
        onVacancy: (vacant, value, applied) => {
          const stage = `the watched stage${watch.stage ? ` ${watch.stage}` : ''}`;
          if (vacant) log(`pipe serve: ${stage} has no version now (unassigned): still serving ${describe(slot.current)} until one holds it.`);
          // A version other than the one served is loaded next, and that reload tells.
          else if (value === applied) log(`pipe serve: ${stage} is held by ${value?.split(' ')[0] ?? 'a version'} again, the version served.`);
        },
        ...(watch.onHeld ? { onInSync: watch.onHeld } : {}),
      }).start()
    : undefined;
  const removeSignal = signal ? reloadOnSignal(() => void reload(signal), { signal, target }) : () => {};
  return {
    reload: () => reload('reload asked for'),
    check: () => watcher?.check() ?? Promise.resolve(false),
    stop: () => {
      removeSignal();
      watcher?.stop();
    },
  };
}
