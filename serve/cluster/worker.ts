/**
 * @module A worker of `pipe serve --workers N`: its side of the cluster's IPC. It takes the model
 * the primary resolved, tells the primary when it listens, answers GET /metrics with every
 * worker's metrics aggregated by the primary, and drains on the SIGTERM the primary sends.
 */
import { AggregatorRegistry, type Registry } from 'prom-client';
import { CLUSTER_MODEL_ENV, isToWorker, type WorkerReady } from './messages.js';
import type { ServedModel } from '../resolve-model.js';

/** The model the primary resolved, when this process is one of its workers. */
export function clusterModel(env: NodeJS.ProcessEnv = process.env): ServedModel | undefined {
  const raw = env[CLUSTER_MODEL_ENV];
  return raw === undefined || process.send === undefined ? undefined : (JSON.parse(raw) as ServedModel);
}

export interface ClusterWorker {
  /** The whole service's metrics in the Prometheus text format, aggregated over every worker. */
  exposition(): Promise<string>;
  ready(ready: Omit<WorkerReady, 'type'>): void;
}

const METRICS_TIMEOUT_MS = 10_000;

/** `registry`: this worker's prom-client registry, which the primary collects from. */
export function joinCluster({ registry }: { registry: Registry }): ClusterWorker {
  // Constructing one in a worker installs prom-client's answer to the primary's collection requests.
  new AggregatorRegistry();
  AggregatorRegistry.setRegistries([registry]);
  const pending = new Map<number, { resolve: (text: string) => void; reject: (e: Error) => void; timer: NodeJS.Timeout }>();
  let next = 0;
  process.on('message', (m: unknown) => {
    if (!isToWorker(m)) return;
    const p = pending.get(m.id);
    if (!p) return;
    pending.delete(m.id);
    clearTimeout(p.timer);
    if (m.text !== undefined) p.resolve(m.text);
    else p.reject(new Error(`the primary could not collect the workers' metrics: ${m.error ?? 'no answer'}`));
  });
  const send = (message: object) => process.send?.(message);
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
