/** @module The work a pool thread does, by kind: each kind is one plain function, which the main thread also calls directly for the batches it takes itself. */
import { copyObject, type CopyJob, type CopyResult } from './copy-object.js';
import { runFsOp, type FsOp, type FsResult } from './fs-op.js';
import { hashBatch, type HashBatch, type HashedBatch } from './hash-batch.js';

export interface Tasks {
  /** Hash (and maybe place into the store) a batch of files; the first error fails the batch. */
  readonly hash: { readonly input: HashBatch; readonly output: HashedBatch };
  /** Links, unlinks, lstats: each reports its own result. */
  readonly fs: { readonly input: readonly FsOp[]; readonly output: FsResult[] };
  /** Objects to copy between the cache and a directory remote: each reports its own result. */
  readonly copy: { readonly input: readonly CopyJob[]; readonly output: CopyResult[] };
}
export type TaskKind = keyof Tasks;
export type TaskInput<K extends TaskKind> = Tasks[K]['input'];
export type TaskOutput<K extends TaskKind> = Tasks[K]['output'];

/** What the main thread posts to a worker. */
export interface TaskMessage<K extends TaskKind = TaskKind> {
  readonly kind: K;
  readonly input: TaskInput<K>;
}

/** What a worker posts back: 'ready' once started, then one reply per task, in order. */
export type WorkerReply = 'ready' | { readonly output: unknown } | { readonly error: { readonly message: string; readonly code?: string; readonly path?: string } };

const handlers: { readonly [K in TaskKind]: (input: TaskInput<K>) => TaskOutput<K> } = {
  hash: hashBatch,
  fs: (ops) => ops.map(runFsOp),
  copy: (jobs) => jobs.map(copyObject),
};

export function runTask<K extends TaskKind>(kind: K, input: TaskInput<K>): TaskOutput<K> {
  return (handlers[kind] as (input: TaskInput<K>) => TaskOutput<K>)(input);
}
