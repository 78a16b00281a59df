/** @module What the primary and the workers of `pipe serve --workers N` tell each other over the cluster's IPC channel. */
import type { ServedModel } from '../resolve-model.js';

/** Set in a worker's environment by the primary: what it starts on, as JSON (ClusterStart). */
export const CLUSTER_MODEL_ENV = 'PIPE_SERVE_CLUSTER_MODEL';

/** What a worker starts on: the model the other workers serve now, resolved by the primary (its files are the primary's: a worker never removes them). */
export interface ClusterStart {
  readonly model: ServedModel;
  /** With --watch: whether that model holds the watched stage, as the primary last read it (GET /model's `stage`). */
  readonly stageHeld: boolean;
}

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

/** How a worker's load of a LoadModel went: it serves the new model (named as GET /model names it), or still the old one. */
export type LoadOutcome = { readonly type: 'pipe-serve:loaded'; readonly id: number } & ({ readonly ok: true; readonly name: string; readonly version: string | null } | { readonly ok: false; readonly error: string });

export type FromWorker = WorkerReady | MetricsRequest | LoadOutcome;

export interface MetricsAnswer {
  readonly type: 'pipe-serve:metrics';
  readonly id: number;
  readonly text?: string;
  readonly error?: string;
}

/**
 * A reload, resolved by the primary: load `model` into the slot (load, check, warm, swap), or,
 * when the primary could not resolve it (`error`: a remote down), count a failed reload. Answered
 * with a LoadOutcome of the same id.
 */
export type LoadModel = { readonly type: 'pipe-serve:load'; readonly id: number } & ({ readonly model: ServedModel } | { readonly error: string });

/** With --watch: whether the model this worker serves holds the watched stage now. */
export interface StageHeld {
  readonly type: 'pipe-serve:stage-held';
  readonly held: boolean;
}

export type ToWorker = MetricsAnswer | LoadModel | StageHeld;

const FROM_WORKER = new Set<unknown>(['pipe-serve:ready', 'pipe-serve:metrics-request', 'pipe-serve:loaded']);
const TO_WORKER = new Set<unknown>(['pipe-serve:metrics', 'pipe-serve:load', 'pipe-serve:stage-held']);

export function isFromWorker(m: unknown): m is FromWorker {
  return FROM_WORKER.has((m as { type?: unknown } | null)?.type);
}

export function isToWorker(m: unknown): m is ToWorker {
  return TO_WORKER.has((m as { type?: unknown } | null)?.type);
}
