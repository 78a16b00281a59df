/** @module Wires the reload triggers (SIGHUP, and a watcher on the registry) to a ModelSlot, and says on the log what each reload did. */
import type { ModelSlot, ReloadOutcome } from './model-slot.js';
import { ChangeWatcher, reloadOnSignal } from './model-watch.js';

export interface HotReloadOptions<M> {
  slot: ModelSlot<M>;
  /** Loads the model to serve now (resolving the reference again, so a moved tag is followed). */
  load: () => Promise<M>;
  /** How a model is named in the log (its version). */
  describe?: (model: M) => string;
  /** Poll `read` (stageHolderReader) every intervalMs and reload when it changes; `initial` is what the running model corresponds to. */
  watch?: { read: () => Promise<string | undefined>; intervalMs: number; initial?: string };
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

export function hotReload<M>({ slot, load, describe = () => 'the model', watch, signal = 'SIGHUP', log = (m) => void process.stderr.write(`${m}\n`), target = process, onReload }: HotReloadOptions<M>): HotReload<M> {
  const told = new WeakSet<ReloadOutcome<M>>();
  const reload = async (why: string) => {
    const outcome = await slot.reload(load);
    // Reloads asked for during one share its outcome: counted once.
    if (!told.has(outcome)) {
      told.add(outcome);
      onReload?.(outcome);
    }
    if (outcome.ok) log(`pipe serve: ${why}: now serving ${describe(outcome.model)} (was ${describe(outcome.previous)}).`);
    else log(`pipe serve: ${why}: the new model did not load, still serving ${describe(slot.current)}: ${outcome.error instanceof Error ? outcome.error.message : String(outcome.error)}`);
    return outcome;
  };
  const removeSignal = signal ? reloadOnSignal(() => void reload(signal), { signal, target }) : () => {};
  const watcher = watch
    ? new ChangeWatcher({
        ...watch,
        onChange: async (value) => void (await reload(`the watched stage moved to ${value.split(' ')[0]}`)),
        onError: (err) => log(`pipe serve: reading the registry failed (will try again): ${err instanceof Error ? err.message : String(err)}`),
      }).start()
    : undefined;
  return {
    reload: () => reload('reload asked for'),
    check: () => watcher?.check() ?? Promise.resolve(false),
    stop: () => {
      removeSignal();
      watcher?.stop();
    },
  };
}
