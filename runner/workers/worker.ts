/** @module A pool thread's entry (built as dist/workers/worker.cjs): runs the tasks the main thread posts, one at a time, replying in order. */
import { parentPort } from 'node:worker_threads';
import { runTask, type TaskMessage, type WorkerReply } from './task.js';

const port = parentPort;
if (!port) throw new Error('runner/workers/worker.ts runs as a worker thread (runner/workers/pool.ts starts it)');
const post = (reply: WorkerReply) => port.postMessage(reply);
port.on('message', ({ kind, input }: TaskMessage) => {
  try {
    post({ output: runTask(kind, input) });
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    post({ error: { message: String(e.message), ...(e.code ? { code: e.code } : {}), ...(e.path ? { path: e.path } : {}) } });
  }
});
post('ready');
