/**
 * @module A worker of `pipe serve --workers N`: its side of the cluster's IPC. It takes the model
 * the primary resolved, tells the primary when it listens, loads the models the primary resolves
 * on a reload (one at a time, in the order sent) and says how each load went, answers GET
 * /metrics with every worker's metrics aggregated by the primary, and drains on the SIGTERM the
 * primary sends.
 */
import { AggregatorRegistry, type Registry } from 'prom-client';
import { CLUSTER_MODEL_ENV, isToWorker, type ClusterStart, type LoadModel, type LoadOutcome, type WorkerReady } from './messages.js';

/** What the primary started this process on, when it is one of its workers. */
export function clusterStart(env: NodeJS.ProcessEnv = process.env): ClusterStart | undefined {
  const raw = env[CLUSTER_MODEL_ENV];
  return raw === undefined || process.send === undefined ? undefined : (JSON.parse(raw) as ClusterStart);
}

/** A worker's answer to a LoadModel, without the envelope. */
export type LoadResult = { readonly ok: true; readonly name: string; readonly version: string | null } | { readonly ok: false; readonly error: string };

export interface ClusterWorker {
  /** The whole service's metrics in the Prometheus text format, aggregated over every worker. */
  exposition(): Promise<string>;
  ready(ready: Omit<WorkerReady, 'type'>): void;
}

export interface JoinOptions {
  /** This worker's prom-client registry, which the primary collects from. */
  readonly registry: Registry;
  /** Loads (or counts as failed) what the primary sent; never rejects. */
  readonly load: (message: LoadModel) => Promise<LoadResult>;
  /** Told whether the served model holds the watched stage (--watch). */
  readonly stageHeld: (held: boolean) => void;
}

const METRICS_TIMEOUT_MS = 10_000;

export function joinCluster({ registry, load, stageHeld }: JoinOptions): ClusterWorker {
  // Constructing one in a worker installs prom-client's answer to the primary's collection requests.
  new AggregatorRegistry();
  AggregatorRegistry.setRegistries([registry]);
  const pending = new Map<number, { resolve: (text: string) => void; reject: (e: Error) => void; timer: NodeJS.Timeout }>();
  let next = 0;
  const send = (message: object) => process.send?.(message);
  // Loads run one after another: a stage held message that follows a load is applied after it.
  let loads = Promise.resolve();
  process.on('message', (m: unknown) => {
    if (!isToWorker(m)) return;
    if (m.type === 'pipe-serve:load') {
      loads = loads.then(async () => {
        send({ type: 'pipe-serve:loaded', id: m.id, ...(await load(m)) } satisfies LoadOutcome);
      });
      return;
    }
    if (m.type === 'pipe-serve:stage-held') {
      loads = loads.then(() => stageHeld(m.held));
      return;
    }
    const p = pending.get(m.id);
    if (!p) return;
    pending.delete(m.id);
    clearTimeout(p.timer);
    if (m.text !== undefined) p.resolve(m.text);
    else p.reject(new Error(`the primary could not collect the workers' metrics: ${m.error ?? 'no answer'}`));
  });
  return {
    exposition: () =>
      new Promise<string>((resolve, reject) => {
        const id = next++;
        const timer = setTimeout(() => {
          pending.delete(id);
          reject(new Error(`the primary did not answer a metrics request within ${METRICS_TIMEOUT_MS / 1000} s`));
        }, METRICS_TIMEOUT_MS);
        pending.set(id, { resolve, reject, timer });
        send({ type: 'pipe-serve:metrics-request', id });
      }),
    ready: (r) => send({ type: 'pipe-serve:ready', ...r }),
  };
}
