/**
 * @module `pipe serve --watch`'s target: the registry stage the served model was resolved from
 * (anything else exits 2 naming --watch), and hotReload's watch of it. One process polls it: the
 * service, or the primary of --workers N.
 */
import { PipeError } from '../runner/command/index.js';
import { stageHolderReader, type HotReloadOptions } from './habits/index.js';
import { removeFetched, type ServedModel } from './resolve-model.js';

export interface StageWatchOptions<M> {
  /** The model served at start, resolved from `reference`. */
  readonly served: ServedModel;
  readonly reference: string | undefined;
  readonly seconds: number;
  /** Which resolved model a loaded one is. */
  readonly servedOf: (model: M) => ServedModel;
  /** Told whether the served model holds the stage, as last read, when that flips. */
  readonly onHeld: (held: boolean) => void;
}

/** The stage `served` was resolved from; throws USAGE (exit 2), after removing a fetched version's directory, when it was not resolved from one. */
export function checkWatchable(served: ServedModel, reference: string | undefined): { root: string; name: string; stage: string } {
  const { root, name, stage } = served;
  if (served.source === 'registry' && stage && root) return { root, name, stage };
  removeFetched(served);
  throw new PipeError('USAGE', `--watch follows a registry stage (churn#prod); ${reference === undefined ? 'the workspace artifact' : `'${reference}'`} is not one (pipe serve)`, { command: 'serve', flag: '--watch' });
}

/** hotReload's `watch` of the stage `served` holds (checked first, as checkWatchable). */
export function stageWatch<M>({ served, reference, seconds, servedOf, onHeld }: StageWatchOptions<M>): NonNullable<HotReloadOptions<M>['watch']> {
  const { root, name, stage } = checkWatchable(served, reference);
  const valueOf = (s: ServedModel) => (s.version && s.commit ? `${s.version} ${s.commit}` : undefined);
  const initial = valueOf(served);
  return {
    read: stageHolderReader(root, name, stage),
    intervalMs: seconds * 1000,
    ...(initial ? { initial } : {}),
    // What stageHolderReader reads when `m` holds the stage: a reload (SIGHUP, or a tag moved during the load) is then known to be up to date.
    valueFor: (m: M) => valueOf(servedOf(m)),
    stage: `${name}#${stage}`,
    onHeld,
  };
}

/** The line a watching service logs at start. */
export const watchingLine = (watch: { stage?: string; intervalMs: number }) => `watching ${watch.stage ?? 'the stage'} in the registry every ${watch.intervalMs / 1000} s`;
