/**
 * @module One model ready to answer: its package, the scorer (engine chosen and warmed, and the
 * reader of its schema's rows warmed), what GET /model says about it and its drift monitor. The
 * unit the service swaps on a hot reload and runs beside the primary as a canary or shadow;
 * disposing it frees the tensors and removes the temporary directory of a fetched version.
 */
import { setImmediate as nextTurn } from 'node:timers/promises';
import { PipeError } from '../runner/command/index.js';
import { createDriftMonitor, DriftOptionError, type DriftMonitor, type DriftOptions } from './drift/index.js';
import { loadModelPackage, type ModelPackage } from './model/index.js';
import { packageInvalid } from './package-invalid.js';
import { modelInfo, type ModelInfo } from './model-info.js';
import { removeFetched, type ServedModel } from './resolve-model.js';
import { createScorer, type Scorer } from './scorer.js';
import { warmFastRows } from './warm-fast-rows.js';

export interface LoadedModel {
  readonly served: ServedModel;
  readonly pkg: ModelPackage;
  readonly scorer: Scorer;
  readonly info: ModelInfo;
  /** Live drift against the package's reference profile; absent when it has none. */
  readonly drift?: DriftMonitor;
  /** The version as metrics label it (`unversioned` for a plain directory). */
  readonly label: string;
}

export interface LoadOptions {
  readonly threshold?: number | undefined;
  readonly engine?: 'auto' | 'tfjs';
  readonly drift?: DriftOptions;
  /** Makes a drift monitor (only the primary needs one). */
  readonly monitorDrift?: boolean;
  /** A fetched version's directory belongs to another process (the primary of --workers N), which removes it: never removed here. */
  readonly keepFiles?: boolean;
}

/** A bad window or threshold is the caller's input: exit 2, naming the option. */
function driftMonitor(pkg: ModelPackage, options: DriftOptions): DriftMonitor | undefined {
  if (!pkg.referenceProfile) return undefined;
  try {
    return createDriftMonitor(pkg.referenceProfile, options);
  } catch (error) {
    if (error instanceof DriftOptionError) throw new PipeError('USAGE', `drift: ${error.message}`, { command: 'serve' }, { cause: error });
    throw error;
  }
}

/**
 * Loads, checks and warms the package of `served`. On failure nothing is left behind: the
 * package is disposed and a fetched version's directory removed (unless `keepFiles`).
 */
export async function loadServedModel(served: ServedModel, { threshold, engine = 'auto', drift = {}, monitorDrift = true, keepFiles = false }: LoadOptions = {}): Promise<LoadedModel> {
  let pkg: ModelPackage | undefined;
  let scorer: Scorer | undefined;
  try {
    pkg = await loadModelPackage(served.dir);
    scorer = await createScorer(pkg, { engine });
    // The batch route's reader of this schema's rows, compiled before the first batch comes.
    await warmFastRows(pkg.featureSchema);
    // Between steps, the requests being served go first (a hot reload runs beside them).
    await nextTurn();
    const info = await modelInfo(served, scorer, { ...(threshold === undefined ? {} : { threshold }), loadedAt: new Date() });
    await nextTurn();
    const monitor = monitorDrift ? driftMonitor(pkg, drift) : undefined;
    // Disposing it then leaves the directory alone.
    const kept = keepFiles ? { ...served, fetched: false } : served;
    return { served: kept, pkg, scorer, info, label: info.version ?? 'unversioned', ...(monitor ? { drift: monitor } : {}) };
  } catch (error) {
    scorer?.dispose();
    pkg?.dispose();
    if (!keepFiles) removeFetched(served);
    // A package that does not load, or loads but cannot score (createScorer's check).
    throw packageInvalid(error, served);
  }
}

/** Frees the model's tensors and removes a fetched version's directory. */
export function disposeLoaded(model: LoadedModel): void {
  model.scorer.dispose();
  model.pkg.dispose();
  removeFetched(model.served);
}
