/**
 * @module `pipe serve --workers N`: the primary process. It resolves the model (a registry
 * version is fetched once, not once per worker), forks N workers with node:cluster that each load
 * it, warm it and listen on the one shared socket, and says the service is ready only when every
 * worker is. Like uvicorn's or gunicorn's `--workers`: one Node process answers on one core, so
 * this is how a service uses a machine's other cores. The primary answers no request; it
 * aggregates the workers' metrics for whichever worker is scraped (prom-client's
 * AggregatorRegistry), resolves again on SIGHUP or a move of the watched stage and has the
 * workers load what it resolved (cluster-reloads.ts), drains them all on SIGTERM or SIGINT (by
 * sending each SIGTERM), and replaces a worker that dies while serving with one on the model the
 * others serve now.
 */
import cluster, { type Worker } from 'node:cluster';
import { AggregatorRegistry } from 'prom-client';
import type { ServedModel } from '../resolve-model.js';
import { clusterReloads } from './cluster-reloads.js';
import { isFromWorker, type ToWorker, type WorkerReady } from './messages.js';

export interface PrimaryOptions {
  readonly workers: number;
  /** The model, resolved here at start; the workers load it from its directory. */
  readonly model: ServedModel;
  /** Resolves MODEL again, on SIGHUP or when the watched stage moves. */
  readonly resolve: () => Promise<ServedModel>;
  /** --watch: the reference (a registry stage, checked already) and the seconds between reads. */
  readonly watch?: { readonly reference: string | undefined; readonly seconds: number };
  readonly log: (line: string) => void;
  /** Called once, when every worker listens (with the first worker's description). */
  readonly onReady: (ready: WorkerReady) => void;
  /** A worker that dies while serving is replaced at most this many times a minute; then the service stops (exit 1). */
  readonly maxRestartsPerMinute?: number;
  /** Where SIGTERM, SIGINT and SIGHUP are listened for (default: this process). */
  readonly target?: Pick<NodeJS.Process, 'on' | 'off'>;
}

/** Resolves to the exit code: 0 after a drain on a signal; a worker's own code when one cannot start (2: a bad model). */
export async function runPrimary({ workers, model, resolve, watch, log, onReady, maxRestartsPerMinute = 10, target = process }: PrimaryOptions): Promise<number> {
  const aggregator = new AggregatorRegistry();
  const ready = new Set<number>();
  const restarts: number[] = [];
  let stopping = false;
  let allReady = false;
  let exitCode = 0;
  let finish: (code: number) => void = () => {};
  const finished = new Promise<number>((done) => (finish = done));

  const live = () => Object.values(cluster.workers ?? {}).filter((w): w is Worker => w !== undefined);
  const send = (w: Worker, message: ToWorker) => {
    if (w.isConnected()) w.send(message);
  };
  const reloads = clusterReloads({ model, resolve, ...(watch ? { watch } : {}), send, log, target });
  const fork = () => reloads.fork((env) => cluster.fork(env));
  const stopAll = (code: number) => {
    if (!stopping) exitCode = code;
    stopping = true;
    reloads.halt();
    // A signal, not a message: a worker still loading its model remembers it and stops once up.
    for (const w of live()) w.process.kill('SIGTERM');
    if (live().length === 0) finish(exitCode);
  };

  cluster.on('message', (worker, message: unknown) => {
    if (!isFromWorker(message)) return;
    if (message.type === 'pipe-serve:ready') {
      ready.add(worker.id);
      if (allReady && !stopping) log(`pipe serve: worker ${worker.process.pid} is serving ${message.name} ${message.version ?? 'unversioned'}`);
      reloads.ready(worker, message);
      if (!allReady && ready.size === workers) {
        allReady = true;
        onReady(message);
      }
      return;
    }
    if (message.type === 'pipe-serve:loaded') {
      reloads.answered(message);
      return;
    }
    aggregator.clusterMetrics().then(
      (text) => send(worker, { type: 'pipe-serve:metrics', id: message.id, text }),
      (error: Error) => send(worker, { type: 'pipe-serve:metrics', id: message.id, error: error.message }),
    );
  });
  cluster.on('exit', (worker, code, signal) => {
    const wasReady = ready.delete(worker.id);
    reloads.exited(worker);
    if (stopping) {
      if (code !== 0 && code !== null) exitCode ||= code;
      if (live().length === 0) finish(exitCode);
      return;
    }
    if (!allReady) {
      // A worker that cannot start (a broken package, a port in use) has said why on stderr: stop the others, exit with its code.
      stopAll(code ?? 1);
      return;
    }
    const now = Date.now();
    restarts.push(now);
    while ((restarts[0] ?? now) < now - 60_000) restarts.shift();
    log(`pipe serve: worker ${worker.process.pid} ${signal ? `was killed (${signal})` : `exited (code ${code})`}${wasReady ? ' while serving' : ''}; ${restarts.length > maxRestartsPerMinute ? 'too many restarts in a minute, stopping' : 'starting another'}`);
    if (restarts.length > maxRestartsPerMinute) stopAll(1);
    else fork();
  });

  let signalled = false;
  const onStop = (signal: NodeJS.Signals) => {
    if (signalled) {
      // A second signal: stop at once, whatever is in flight.
      for (const w of live()) w.process.kill('SIGKILL');
      finish(1);
      return;
    }
    signalled = true;
    log(`pipe serve: ${signal}: draining ${live().length} worker${live().length === 1 ? '' : 's'}`);
    stopAll(0);
  };
  // SIGHUP is the reloads' (cluster-reloads.ts); once they stop, during a drain, it is ignored rather than fatal.
  const ignore = () => {};
  target.on('SIGTERM', onStop).on('SIGINT', onStop).on('SIGHUP', ignore);
  for (let i = 0; i < workers; i++) fork();
  try {
    return await finished;
  } finally {
    target.off('SIGTERM', onStop).off('SIGINT', onStop).off('SIGHUP', ignore);
    cluster.removeAllListeners('message').removeAllListeners('exit');
    // No worker is left to load what a reload under way resolves, and waiting for its fetch here would leave a
    // Ctrl-C nothing to answer it: the drain ends now, and the fetch's files are removed when it ends (clusterReloads' load).
    await reloads.stop({ settle: false });
  }
}
