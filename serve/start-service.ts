/** @module Starts the inference service: resolve the model, load and check the package, warm it, describe it, then listen. The order is the promise: nothing listens before a prediction has been made. */
import { rmSync } from 'node:fs';
import { dirname } from 'node:path';
import { PipeError } from '../runner/command/index.js';
import { createApp, DEFAULT_LIMITS } from './app.js';
import { createDriftMonitor, DRIFT_DEFAULTS, DriftOptionError, type DriftMonitor, type DriftOptions, type DriftWindow } from './drift/index.js';
import { Lifecycle, loadApiKeys, type ClosableServer, type RateLimitOptions } from './habits/index.js';
import { createMetrics } from './metrics.js';
import { ModelPackageError, backendLine, loadModelPackage, type ModelPackage, type ReferenceProfile } from './model/index.js';
import { modelInfo, type ModelInfo } from './model-info.js';
import { resolveModel, type ServedModel } from './resolve-model.js';
import { joinCluster } from './cluster/worker.js';
import { createScorer } from './scorer.js';
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

export interface StartOptions {
  readonly cwd: string;
  readonly reference?: string;
  /** A model already resolved (a built service's own copy): `reference` is then not looked up. */
  readonly model?: ServedModel;
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
  /** One worker of `pipe serve --workers N`: /metrics answers for every worker, the primary says when to stop, and is told when this one listens. */
  readonly clusterWorker?: boolean;
}

async function load(dir: string): Promise<ModelPackage> {
  try {
    return await loadModelPackage(dir);
  } catch (error) {
    if (error instanceof ModelPackageError) throw new PipeError('SERVE_MODEL_INVALID', error.message, { dir: error.data.dir, file: error.data.file }, { cause: error });
    throw error;
  }
}

function describeWindow(w: DriftWindow): string {
  return 'rows' in w ? `the last ${w.rows} rows` : `the last ${w.minutes} minutes`;
}

/** A bad window or threshold is the caller's input: exit 2, naming the option. */
function driftMonitor(profile: ReferenceProfile, options: DriftOptions): DriftMonitor {
  try {
    return createDriftMonitor(profile, options);
  } catch (error) {
    if (error instanceof DriftOptionError) throw new PipeError('USAGE', `drift: ${error.message}`, { command: 'serve' }, { cause: error });
    throw error;
  }
}

export async function startService(options: StartOptions): Promise<Service> {
  const { cwd, reference, model: resolved } = options;
  const model = resolved ?? (await resolveModel({ cwd, ...(reference === undefined ? {} : { reference }) }));
  try {
    return await startModel(model, options);
  } catch (error) {
    // A version fetched for this service is not left behind by a start that failed (a broken package, a port in use).
    if (model.fetched) rmSync(dirname(model.dir), { recursive: true, force: true });
    throw error;
  }
}

async function startModel(model: ServedModel, { host = '127.0.0.1', port = 8080, threshold, engine = 'auto', limits = DEFAULT_LIMITS, log = () => {}, drift: driftOptions = {}, habits = {}, clusterWorker = false }: StartOptions): Promise<Service> {
  const pkg = await load(model.dir);
  try {
    return await serveLoaded(model, pkg, { host, port, threshold, engine, limits, log, drift: driftOptions, habits, clusterWorker });
  } catch (error) {
    pkg.dispose();
    throw error;
  }
}

async function serveLoaded(
  model: ServedModel,
  pkg: ModelPackage,
  { host, port, threshold, engine, limits, log, drift: driftOptions, habits, clusterWorker }: Required<Pick<StartOptions, 'host' | 'port' | 'engine' | 'limits' | 'log' | 'drift' | 'habits' | 'clusterWorker'>> & Pick<StartOptions, 'threshold'>,
): Promise<Service> {
  log(backendLine({ summary: pkg.backend }));
  const scorer = await createScorer(pkg, { engine });
  log(`engine: ${scorer.engine}`);
  const info = await modelInfo(model, scorer, { ...(threshold === undefined ? {} : { threshold }), loadedAt: new Date() });
  const drift = pkg.referenceProfile ? driftMonitor(pkg.referenceProfile, driftOptions) : undefined;
  log(drift ? `drift: against the package's reference profile, over ${describeWindow(driftOptions.window ?? DRIFT_DEFAULTS.window)}` : 'drift: off (the package has no reference profile)');
  const metrics = createMetrics({ name: info.name, version: info.version, commit: info.commit, stage: info.stage, backend: info.backend, engine: info.engine, fields: info.features, ...(drift ? { drift } : {}) });
  // The HTTP server exists only once listening; the lifecycle (graceful shutdown) reaches it through this.
  const listening: { http?: ClosableServer } = {};
  const lifecycle = new Lifecycle({
    server: {
      close: (done) => (listening.http ? listening.http.close(done) : done?.()),
      closeIdleConnections: () => listening.http?.closeIdleConnections?.(),
      closeAllConnections: () => listening.http?.closeAllConnections?.(),
    },
    log,
    // A worker of --workers N stops when its primary says so (SIGTERM); Ctrl-C's SIGINT reaches the primary, which tells the workers.
    ...(clusterWorker ? { signals: ['SIGTERM'] as NodeJS.Signals[] } : {}),
    exit: (code) => finish(code),
    onShutdown: () => release(),
  });
  let finish: (code: number) => void = () => {};
  const stopped = new Promise<number>((done) => (finish = done));
  const cluster = clusterWorker ? joinCluster({ registry: metrics.registry }) : undefined;
  const keys = loadApiKeys(habits.apiKeyFile === undefined ? {} : { file: habits.apiKeyFile });
  log(keys ? `auth: bearer API keys (${keys.size} key${keys.size === 1 ? '' : 's'}); health and /metrics open` : 'auth: off (no API key configured)');
  const app = createApp(
    { scorer, info, metrics, limits, isReady: () => lifecycle.ready, ...(drift ? { drift } : {}), ...(cluster ? { exposition: cluster.exposition } : {}) },
    {
      logError: (e) => log(`pipe serve: error while answering: ${(e as Error)?.stack ?? String(e)}`),
      habits: { ...(keys ? { keys } : {}), ...(habits.rateLimit ? { rateLimit: habits.rateLimit } : {}), accessLog: habits.accessLog === false ? false : {}, lifecycle },
    },
  );
  const server = await listen(app, { host, port });
  listening.http = server.server;
  lifecycle.markReady();
  cluster?.ready({ url: server.url, name: info.name, version: info.version, engine: info.engine });
  let released = false;
  const release = () => {
    if (released) return;
    released = true;
    pkg.dispose();
    if (model.fetched) rmSync(dirname(model.dir), { recursive: true, force: true });
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
