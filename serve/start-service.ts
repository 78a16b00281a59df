/**
 * @module Starts the inference service: resolve the model (and a canary or shadow), load and
 * check each package, warm it, describe it, then listen; afterwards reload the primary on SIGHUP
 * or when its watched registry stage moves, and cut a canary off when it breaks its SLO. The
 * order is the promise: nothing listens before a prediction has been made.
 */
import { PipeError } from '../runner/command/index.js';
import { createApp, DEFAULT_LIMITS } from './app.js';
import { CanaryGuard, type CanaryVerdict } from './canary/canary-guard.js';
import type { CanaryKey } from './canary/canary-key.js';
import { CANARY_SLO_DEFAULTS, describeCanaryWindow, type CanarySlo } from './canary/canary-slo.js';
import { DRIFT_DEFAULTS, type DriftOptions, type DriftWindow } from './drift/index.js';
import { hotReload, Lifecycle, loadApiKeys, ModelSlot, stopAccepting, type ClosableServer, type HotReload, type RateLimitOptions, type ReloadOutcome } from './habits/index.js';
import { disposeLoaded, loadServedModel, type LoadedModel, type LoadOptions } from './loaded-model.js';
import { createMetrics } from './metrics.js';
import { backendLine } from './model/index.js';
import type { ModelInfo } from './model-info.js';
import { ModelRouter, type Canary } from './model-router.js';
import { resolveModel, type ServedModel } from './resolve-model.js';
import type { ClusterStart, LoadModel } from './cluster/messages.js';
import { joinCluster, type LoadResult } from './cluster/worker.js';
import { checkWatchable, stageWatch, watchingLine } from './stage-watch.js';
import { listen } from './server.js';

export interface Service {
  readonly info: ModelInfo;
  readonly url: string;
  readonly port: number;
  /** Resolves to the exit code once the service has shut down (a signal, or close()). */
  readonly stopped: Promise<number>;
  handleSignals(): void;
  /** Stops gracefully: no new connections, requests in flight finish, the model is freed. */
  close(): Promise<void>;
}

/** Gives a registry stage back to the version that held it before (registry/'s rollbackStage, passed in so a built service carries no registry code). */
export type StageRollback = (o: { root: string; name: string; stage: string; message: string }) => Promise<{ tag: string; version: string }>;

export interface CanaryOptions {
  readonly reference: string;
  /** Percent of callers (default 10). */
  readonly weight?: number;
  readonly key?: CanaryKey;
  readonly slo?: Partial<CanarySlo>;
  /** Also roll the canary's registry stage back when it is cut off (the canary must be a stage reference). */
  readonly registryRollback?: StageRollback;
}

export interface StartOptions {
  readonly cwd: string;
  readonly reference?: string;
  /** A built service's own model/: says what it is now (checked against what the build wrote), at start and at every reload; `reference` is then not looked up. */
  readonly ownModel?: () => Promise<ServedModel>;
  readonly host?: string;
  readonly port?: number;
  readonly threshold?: number;
  readonly engine?: 'auto' | 'tfjs';
  readonly limits?: { readonly predictBytes: number; readonly batchBytes: number };
  readonly log?: (line: string) => void;
  /** The drift monitor's window and thresholds (used when the package has a reference profile). */
  readonly drift?: DriftOptions;
  /** Auth (keys from $PIPE_SERVE_API_KEYS and/or a file of SHA-256 digests), per-caller rate limit, access log on stdout (default on). */
  readonly habits?: { readonly apiKeyFile?: string; readonly rateLimit?: RateLimitOptions; readonly accessLog?: boolean };
  /** Poll the registry every this many seconds and reload when the served stage moves (a registry stage reference only). */
  readonly watchSeconds?: number;
  /** Reload on SIGHUP (default true). */
  readonly reloadOnSighup?: boolean;
  readonly canary?: CanaryOptions;
  /** A model scored beside the primary on every request, never answered. */
  readonly shadow?: { readonly reference: string };
  /**
   * One worker of `pipe serve --workers N`, started on the model its primary resolved (`reference`
   * is then not looked up, and its files are the primary's): /metrics answers for every worker, it
   * stops on SIGTERM only (the primary answers Ctrl-C), tells the primary when it listens, and
   * reloads only what the primary resolves and sends (no SIGHUP, no watch of its own).
   */
  readonly clusterWorker?: ClusterStart;
  /** What GET /v2 answers as the server's version (default: pipe’s, from its package.json: runner/command/package-name.ts). */
  readonly serverVersion?: string;
}

const usage = (flag: string, message: string) => new PipeError('USAGE', `${flag} ${message} (pipe serve)`, { command: 'serve', flag });

function describeWindow(w: DriftWindow): string {
  return 'rows' in w ? `the last ${w.rows} rows` : `the last ${w.minutes} minutes`;
}

const describe = (m: LoadedModel) => `${m.info.name} ${m.label}`;

export async function startService(options: StartOptions): Promise<Service> {
  const { cwd, reference, clusterWorker, watchSeconds, canary, shadow } = options;
  // A worker's primary model comes from its primary, which removes the files; a canary or shadow is the worker's own.
  const loadOptions: LoadOptions = { threshold: options.threshold, engine: options.engine ?? 'auto', drift: options.drift ?? {}, ...(clusterWorker ? { keepFiles: true } : {}) };
  const served = clusterWorker?.model ?? (options.ownModel ? await options.ownModel() : await resolveModel({ cwd, ...(reference === undefined ? {} : { reference }) }));
  if (watchSeconds !== undefined) checkWatchable(served, reference);
  const loaded: LoadedModel[] = [];
  try {
    // Each load removes what it fetched when it fails.
    const primary = await loadServedModel(served, loadOptions);
    loaded.push(primary);
    const side = async (ref: string) => {
      const m = await loadServedModel(await resolveModel({ cwd, reference: ref }), { ...loadOptions, monitorDrift: false, keepFiles: false });
      loaded.push(m);
      return m;
    };
    const shadowModel = shadow ? await side(shadow.reference) : undefined;
    const canaryModel = canary ? await side(canary.reference) : undefined;
    if (canary?.registryRollback && !(canaryModel?.served.source === 'registry' && canaryModel.served.stage && canaryModel.served.root)) {
      throw usage('--registry-rollback', `rolls back the registry stage the canary comes from: give --canary a stage reference (churn#canary), not '${canary.reference}'`);
    }
    return await serveLoaded(primary, { ...options, loadOptions, ...(shadowModel ? { shadowModel } : {}), ...(canaryModel ? { canaryModel } : {}) });
  } catch (error) {
    for (const m of loaded) disposeLoaded(m);
    throw error;
  }
}

async function serveLoaded(
  primary: LoadedModel,
  options: StartOptions & { loadOptions: LoadOptions; shadowModel?: LoadedModel; canaryModel?: LoadedModel },
): Promise<Service> {
  const { cwd, reference, host = '127.0.0.1', port = 8080, limits = DEFAULT_LIMITS, log = () => {}, habits = {}, loadOptions, shadowModel, canaryModel, canary: canaryOptions } = options;
  const { served } = primary;
  // A built service (no repository) has no workspace to speak of: pipe serve build said it when it built.
  if (served.modified && served.root) {
    log(`model: the workspace's ${served.path} differs from what data.lock records (edited, or not checked out): serving its files as they are, with no commit, params or metrics; 'pipe status' tells why, 'pipe checkout ${served.path}' restores data.lock's`);
  }
  log(backendLine({ summary: primary.pkg.backend }));
  log(`engine: ${primary.scorer.engine}`);
  const driftWindow = loadOptions.drift?.window ?? DRIFT_DEFAULTS.window;
  log(primary.drift ? `drift: against the package's reference profile, over ${describeWindow(driftWindow)}` : 'drift: off (the package has no reference profile)');
  const slot = new ModelSlot<LoadedModel>(primary, { dispose: disposeLoaded, onDisposeError: (e) => log(`pipe serve: freeing a replaced model failed: ${(e as Error)?.message ?? String(e)}`) });
  const { info } = primary;
  // With --watch: whether the served version holds the watched stage as last read (by this process, or a worker's primary). /model and model_info name the stage only then.
  let stageHeld = options.clusterWorker?.stageHeld ?? true;
  const labels = (i: ModelInfo) => (stageHeld ? i : { ...i, stage: null });
  const metrics = createMetrics({ name: info.name, version: info.version, commit: info.commit, stage: info.stage, backend: info.backend, engine: info.engine, fields: info.features, ...(primary.drift ? { drift: () => slot.current.drift } : {}) });
  if (!stageHeld) metrics.setModel(labels(info));
  const setStageHeld = (held: boolean) => {
    stageHeld = held;
    metrics.setModel(labels(slot.current.info));
  };
  // Set at shutdown: a load that ends later frees its model at once.
  let released = false;
  const counted = (outcome: ReloadOutcome<LoadedModel>) => {
    metrics.modelReloads.inc({ result: outcome.ok ? 'ok' : 'failed' });
    if (outcome.ok) metrics.setModel(labels(outcome.model.info));
  };
  const loadModel = async (again: ServedModel) => {
    const next = await loadServedModel(again, loadOptions);
    // A reload that ends after shutdown began would put a model in a closed slot, never freed (nor its temporary copy removed).
    if (released) {
      disposeLoaded(next);
      throw new Error('the service is stopping');
    }
    return next;
  };
  // A worker of --workers N loads what its primary resolved and answers how it went; the primary says it on the log.
  const loadSent = async (message: LoadModel): Promise<LoadResult> => {
    const outcome = await slot.reload(() => ('model' in message ? loadModel(message.model) : Promise.reject(new Error(message.error))));
    counted(outcome);
    return outcome.ok ? { ok: true, name: outcome.model.info.name, version: outcome.model.info.version } : { ok: false, error: (outcome.error as Error)?.message ?? String(outcome.error) };
  };

  let canary: Canary | undefined;
  if (canaryModel && canaryOptions) {
    const slo: CanarySlo = { ...CANARY_SLO_DEFAULTS, ...canaryOptions.slo };
    const weight = canaryOptions.weight ?? 10;
    const version = canaryModel.label;
    const guard = new CanaryGuard({ slo, onCutOff: (verdict) => cutOff(canaryModel, verdict) });
    canary = { model: canaryModel, weight, key: canaryOptions.key ?? { kind: 'caller' }, guard };
    metrics.canaryState.set({ model_version: version }, 1);
    for (const reason of ['error_rate', 'latency', 'score_drift'] as const) metrics.canaryRollbacks.inc({ model_version: version, reason }, 0);
    log(`canary: ${describe(canaryModel)} answers ${weight}% of callers (by ${canary.key.kind === 'caller' ? 'API key, else address' : `${canary.key.kind} ${canary.key.name}`}); cut off when, over ${describeCanaryWindow(slo.window)}, scoring errors exceed ${slo.maxErrorRate * 100}%, p99 scoring time ${slo.maxP99Seconds * 1000} ms, or the score PSI against the primary ${slo.maxScorePsi}`);
  }
  if (shadowModel) log(`shadow: ${describe(shadowModel)} scores every request beside the primary; its answers are counted, never returned`);
  const cutOff = (model: LoadedModel, verdict: CanaryVerdict) => {
    metrics.canaryState.set({ model_version: model.label }, 0);
    metrics.canaryRollbacks.inc({ model_version: model.label, reason: verdict.reason });
    log(JSON.stringify({ event: 'canary_rolled_back', model: model.info.name, version: model.info.version, reason: verdict.reason, value: verdict.value, limit: verdict.limit, requests: verdict.requests, message: `canary ${describe(model)} cut off: ${verdict.message}; all traffic goes to the primary` }));
    const rollback = canaryOptions?.registryRollback;
    if (rollback) void rollBackStage(model, verdict, rollback, log);
  };

  const models = new ModelRouter(slot, canary, shadowModel);
  // The HTTP server exists only once listening; the lifecycle (graceful shutdown) reaches it through this.
  const listening: { http?: ClosableServer } = {};
  const lifecycle = new Lifecycle({
    server: {
      close: (done) => (listening.http ? stopAccepting(listening.http, () => done?.()) : done?.()),
      closeIdleConnections: () => listening.http?.closeIdleConnections?.(),
      closeAllConnections: () => listening.http?.closeAllConnections?.(),
    },
    log,
    // A worker of --workers N stops when its primary says so (SIGTERM); Ctrl-C's SIGINT reaches the primary, which tells the workers.
    ...(options.clusterWorker ? { signals: ['SIGTERM'] as NodeJS.Signals[] } : {}),
    exit: (code) => finish(code),
    onShutdown: () => release(),
  });
  let finish: (code: number) => void = () => {};
  const stopped = new Promise<number>((done) => (finish = done));
  const cluster = options.clusterWorker ? joinCluster({ registry: metrics.registry, load: loadSent, stageHeld: setStageHeld }) : undefined;
  const keys = loadApiKeys(habits.apiKeyFile === undefined ? {} : { file: habits.apiKeyFile });
  log(keys ? `auth: bearer API keys (${keys.size} key${keys.size === 1 ? '' : 's'}); health and /metrics open` : 'auth: off (no API key configured)');
  const app = createApp(
    {
      models,
      metrics,
      limits,
      isReady: () => lifecycle.ready,
      stageHeld: () => stageHeld,
      ...(cluster ? { exposition: cluster.exposition } : {}),
      onSideError: (role, model, e) => log(`pipe serve: the ${role} ${describe(model)} failed to score (the caller ${role === 'canary' ? 'was answered by the primary' : 'saw nothing'}): ${(e as Error)?.message ?? String(e)}`),
    },
    {
      ...(options.serverVersion === undefined ? {} : { serverVersion: options.serverVersion }),
      logError: (e) => log(`pipe serve: error while answering: ${(e as Error)?.stack ?? String(e)}`),
      habits: { ...(keys ? { keys } : {}), ...(habits.rateLimit ? { rateLimit: habits.rateLimit } : {}), accessLog: habits.accessLog === false ? false : {}, lifecycle },
    },
  );
  const server = await listen(app, { host, port });
  listening.http = server.server;
  lifecycle.track(server.server);
  lifecycle.markReady();
  cluster?.ready({ url: server.url, name: primary.info.name, version: primary.info.version, engine: primary.info.engine });

  // Hot reload (not in a worker of --workers N: its primary resolves): the same reference resolved again (a stage may have
  // moved; a plain directory is read again, and a built service checks its own directory again), loaded and warmed beside the current model.
  const watch =
    options.watchSeconds !== undefined && !cluster
      ? stageWatch<LoadedModel>({ served: primary.served, reference, seconds: options.watchSeconds, servedOf: (m) => m.served, onHeld: setStageHeld })
      : undefined;
  const reloader: HotReload<LoadedModel> | undefined = cluster
    ? undefined
    : hotReload<LoadedModel>({
        slot,
        load: async () => loadModel(options.ownModel ? await options.ownModel() : await resolveModel({ cwd, ...(reference === undefined ? {} : { reference }) })),
        describe,
        ...(watch ? { watch } : {}),
        signal: options.reloadOnSighup === false ? false : 'SIGHUP',
        log,
        onReload: counted,
      });
  if (watch) log(watchingLine(watch));

  const release = () => {
    if (released) return;
    released = true;
    reloader?.stop();
    slot.close();
    if (canaryModel) disposeLoaded(canaryModel);
    if (shadowModel) disposeLoaded(shadowModel);
  };
  return {
    info,
    url: server.url,
    port: server.port,
    stopped,
    /** Installs the SIGTERM/SIGINT handlers of the graceful shutdown. */
    handleSignals: () => void lifecycle.install(),
    async close() {
      await lifecycle.shutdown('closing');
    },
  };
}

/** `--registry-rollback`: gives the canary's stage back to the version before it, when the canary still holds it. */
async function rollBackStage(model: LoadedModel, verdict: CanaryVerdict, rollback: StageRollback, log: (line: string) => void): Promise<void> {
  const { root, name, stage, version } = model.served;
  if (!root || !stage) return;
  try {
    const { readRegistry } = await import('../runner/index.js');
    const holder = (await readRegistry(root)).get(name)?.stages.get(stage)?.[0];
    if (holder?.version !== version) {
      log(JSON.stringify({ event: 'registry_rollback_skipped', model: name, stage, message: `${name}#${stage} is held by ${holder?.version ?? 'no version'} now, not the canary ${version}: left as it is` }));
      return;
    }
    const done = await rollback({ root, name, stage, message: `Assigning stage ${stage} to the version before ${version}: pipe serve cut the canary off (${verdict.reason}: ${verdict.message})` });
    log(JSON.stringify({ event: 'registry_rollback', model: name, stage, version: done.version, tag: done.tag, message: `${name}#${stage} rolled back to ${done.version} (tag ${done.tag})` }));
  } catch (error) {
    log(JSON.stringify({ event: 'registry_rollback_failed', model: name, stage, message: (error as Error)?.message ?? String(error) }));
  }
}
