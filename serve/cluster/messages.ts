/** @module What the primary and the workers of `pipe serve --workers N` tell each other over the cluster's IPC channel. */

/** Set in a worker's environment by the primary: the model it resolved, as JSON (ServedModel). */
export const CLUSTER_MODEL_ENV = 'PIPE_SERVE_CLUSTER_MODEL';

export interface WorkerReady {
  readonly type: 'pipe-serve:ready';
  readonly url: string;
  readonly name: string;
  readonly version: string | null;
  readonly engine: string;
}

/** A worker asks for the whole service's metrics (every worker's, aggregated) to answer GET /metrics. */
export interface MetricsRequest {
  readonly type: 'pipe-serve:metrics-request';
  readonly id: number;
}

export type FromWorker = WorkerReady | MetricsRequest;

export interface ToWorker {
  readonly type: 'pipe-serve:metrics';
  readonly id: number;
  readonly text?: string;
  readonly error?: string;
}

export function isFromWorker(m: unknown): m is FromWorker {
  const type = (m as { type?: unknown } | null)?.type;
  return type === 'pipe-serve:ready' || type === 'pipe-serve:metrics-request';
}

export function isToWorker(m: unknown): m is ToWorker {
  const type = (m as { type?: unknown } | null)?.type;
  return type === 'pipe-serve:metrics';
}
