import type { Worker } from 'node:cluster';
import { EventEmitter } from 'node:events';
import { existsSync, mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { waitUntil } from '../../test/helpers/wait-until.js';
import type { ServedModel } from '../resolve-model.js';
import { clusterReloads, type ClusterReloads } from './cluster-reloads.js';
import { CLUSTER_MODEL_ENV, type ClusterStart, type LoadModel, type ToWorker } from './messages.js';

/** A version written to a temporary directory, as resolveModel writes one the workspace lacks. */
function fetched(version: string): ServedModel {
  const dir = join(mkdtempSync(join(tmpdir(), 'pipe-serve-')), 'churn');
  mkdirSync(dir);
  return { dir, fetched: true, name: 'churn', version, source: 'registry', stage: 'prod' };
}

/** The primary's side, with workers reduced to what it sees of them: an id, a pid, the messages sent to them. */
function primary(start: ServedModel, resolve: () => Promise<ServedModel>, { retryMs = 60_000 }: { retryMs?: number } = {}) {
  const sent: { worker: number; message: ToWorker }[] = [];
  const logs: string[] = [];
  const target = new EventEmitter();
  const workers: Worker[] = [];
  const starts: ClusterStart[] = [];
  const reloads = clusterReloads({ model: start, resolve, send: (w, message) => void sent.push({ worker: w.id, message }), log: (l) => void logs.push(l), target: target as unknown as NodeJS.Process, retryMs });
  const fork = () =>
    reloads.fork((env) => {
      starts.push(JSON.parse(env[CLUSTER_MODEL_ENV] as string) as ClusterStart);
      const worker = { id: workers.length + 1, process: { pid: 4000 + workers.length + 1 } } as unknown as Worker;
      workers.push(worker);
      return worker;
    });
  const ready = (w: Worker, version: string) => reloads.ready(w, { type: 'pipe-serve:ready', url: 'http://127.0.0.1:1', name: 'churn', version, engine: 'typed-array' });
  /** The load messages sent to `w` not yet answered by the test. */
  const loads = (w: Worker) => sent.filter((s) => s.worker === w.id && s.message.type === 'pipe-serve:load').map((s) => s.message as LoadModel);
  const answer = (m: LoadModel, ok: boolean, version = 'v2') =>
    reloads.answered(ok ? { type: 'pipe-serve:loaded', id: m.id, ok, name: 'churn', version } : { type: 'pipe-serve:loaded', id: m.id, ok, error: 'weights.bin: no such file' });
  /** Two workers forked and serving v1. */
  const twoServing = () => {
    const [a, b] = [fork(), fork()] as [Worker, Worker];
    ready(a, 'v1');
    ready(b, 'v1');
    return [a, b] as const;
  };
  /** A reload asked for (its outcome in `reloaded`), once each of `ws` has been sent its `count`th load. */
  const reloadSent = async (ws: readonly Worker[], count = 1) => {
    const reloaded = reloads.reload();
    await waitUntil(() => ws.every((w) => loads(w).length === count), count === 1 ? 'a load sent to each worker' : `load ${count} sent to each worker`);
    return { reloaded };
  };
  return { reloads, sent, logs, target, fork, ready, loads, answer, starts, twoServing, reloadSent };
}

let running: ClusterReloads | undefined;
afterEach(async () => {
  await running?.stop({ settle: false });
  running = undefined;
});

/** Two workers on v1, one serving and one still starting (`late`), and a reload to v2 that the serving one took (the late one sent nothing yet). */
async function reloadedBesideALateWorker() {
  const v1 = fetched('v1');
  const v2 = fetched('v2');
  const p = primary(v1, async () => v2);
  running = p.reloads;
  const [a, late] = [p.fork(), p.fork()] as [Worker, Worker];
  p.ready(a, 'v1');
  const reloaded = p.reloads.reload();
  await waitUntil(() => p.loads(a).length === 1, 'the load sent to the serving worker');
  expect(p.loads(late)).toEqual([]);
  p.answer(p.loads(a)[0] as LoadModel, true);
  await reloaded;
  return { p, v1, v2, late };
}

describe('clusterReloads', () => {
  it('resolves once on SIGHUP, has every serving worker load it, removes the replaced version once swapped, and starts a new worker on the new one', async () => {
    const v1 = fetched('v1');
    const v2 = fetched('v2');
    let resolved = 0;
    const p = primary(v1, async () => {
      resolved++;
      return v2;
    });
    running = p.reloads;
    const [a, b] = [p.fork(), p.fork()] as [Worker, Worker];
    expect(p.starts.map((s) => s.model.dir)).toEqual([v1.dir, v1.dir]);
    p.ready(a, 'v1');
    p.ready(b, 'v1');
    p.target.emit('SIGHUP');
    await waitUntil(() => p.loads(a).length === 1 && p.loads(b).length === 1, 'a load sent to each worker');
    expect(resolved).toBe(1);
    expect(p.loads(a)[0]).toMatchObject({ model: { dir: v2.dir } });
    // The swap waits for every worker's answer: v1's files stay meanwhile. Whatever a's answer sets off (promises, and
    // timers, faked to run them all now) has run before the check: a removal merely put off would be seen.
    vi.useFakeTimers();
    try {
      p.answer(p.loads(a)[0] as LoadModel, true);
      await vi.runAllTimersAsync();
    } finally {
      vi.useRealTimers();
    }
    expect(existsSync(v1.dir)).toBe(true);
    p.answer(p.loads(b)[0] as LoadModel, true);
    await waitUntil(() => p.logs.includes('pipe serve: SIGHUP: now serving churn v2 (was churn v1).'), 'the reload said');
    expect(p.logs.filter((l) => l.includes('now serving'))).toHaveLength(1);
    expect(existsSync(v1.dir)).toBe(false);
    expect(existsSync(v2.dir)).toBe(true);

    p.reloads.exited(a);
    p.fork();
    expect(p.starts.at(-1)?.model.dir).toBe(v2.dir);
    await p.reloads.stop({ settle: true });
    expect(existsSync(v2.dir)).toBe(false);
  });

  it('a worker still starting during a reload loads the new version once it listens; the files it starts on stay until then', async () => {
    const { p, v1, v2, late } = await reloadedBesideALateWorker();
    expect(existsSync(v1.dir)).toBe(true);
    p.ready(late, 'v1');
    expect(existsSync(v1.dir)).toBe(false);
    expect(p.loads(late)).toMatchObject([{ model: { dir: v2.dir } }]);
    p.answer(p.loads(late)[0] as LoadModel, true);
    await waitUntil(() => p.logs.includes('pipe serve: worker 4002 started on churn v1; now serving churn v2'), 'the catch-up said');
  });

  it('a worker that starts listening during a drain is sent nothing, though it started on an older model', async () => {
    const { p, late } = await reloadedBesideALateWorker();
    p.reloads.halt();
    p.ready(late, 'v1');
    expect(p.sent.filter((s) => s.worker === late.id)).toEqual([]);
  });

  it('a version no worker loads is removed at once and the old one kept; one that a worker fails to load is named and kept for the others', async () => {
    const v1 = fetched('v1');
    const next = [fetched('v2'), fetched('v3')];
    const [v2, v3] = next as [ServedModel, ServedModel];
    const p = primary(v1, async () => next.shift() as ServedModel);
    running = p.reloads;
    const [a, b] = p.twoServing();

    let { reloaded } = await p.reloadSent([a, b]);
    p.answer(p.loads(a)[0] as LoadModel, false);
    p.answer(p.loads(b)[0] as LoadModel, false);
    await reloaded;
    expect(p.logs.at(-1)).toBe('pipe serve: reload asked for: the new model did not load, still serving churn v1: weights.bin: no such file');
    expect([existsSync(v1.dir), existsSync(v2.dir)]).toEqual([true, false]);

    ({ reloaded } = await p.reloadSent([a, b], 2));
    p.answer(p.loads(a)[1] as LoadModel, true, 'v3');
    p.answer(p.loads(b)[1] as LoadModel, false);
    await reloaded;
    expect(p.logs.slice(-2)).toEqual(['pipe serve: worker 4002 did not load churn v3, still serving churn v1: weights.bin: no such file (trying again in 60 s)', 'pipe serve: reload asked for: now serving churn v3 (was churn v1).']);
    expect([existsSync(v1.dir), existsSync(v3.dir)]).toEqual([false, true]);
    p.fork();
    expect(p.starts.at(-1)?.model.dir).toBe(v3.dir);
  });

  it('a worker where the new version did not load while it loaded elsewhere is told to load it again until it does, the same failure said once', async () => {
    const v1 = fetched('v1');
    const v2 = fetched('v2');
    const p = primary(v1, async () => v2, { retryMs: 1 });
    running = p.reloads;
    const [a, b] = p.twoServing();
    const { reloaded } = await p.reloadSent([a, b]);
    p.answer(p.loads(a)[0] as LoadModel, true);
    p.answer(p.loads(b)[0] as LoadModel, false);
    await reloaded;
    expect(p.logs).toContain('pipe serve: worker 4002 did not load churn v2, still serving churn v1: weights.bin: no such file (trying again in 0 s)');
    await waitUntil(() => p.loads(b).length === 2, 'the load sent again');
    expect(p.loads(b)[1]).toMatchObject({ model: { dir: v2.dir } });
    p.answer(p.loads(b)[1] as LoadModel, false);
    await waitUntil(() => p.loads(b).length === 3, 'the load sent a third time');
    // The same failure again is not said again while the wait grows.
    expect(p.logs.filter((l) => l.includes('weights.bin'))).toHaveLength(1);
    p.answer(p.loads(b)[2] as LoadModel, true);
    await waitUntil(() => p.logs.includes('pipe serve: worker 4002 tried churn v2 again: now serving it (was churn v1).'), 'the retry said');
    expect(p.loads(a)).toHaveLength(1);
    expect(existsSync(v2.dir)).toBe(true);
  });

  it('a resolution that fails is sent to each serving worker as a failed reload, and changes nothing', async () => {
    const v1 = fetched('v1');
    const p = primary(v1, () => Promise.reject(new Error('the remote did not answer')));
    running = p.reloads;
    const a = p.fork();
    p.ready(a, 'v1');
    const reloaded = p.reloads.reload();
    await waitUntil(() => p.loads(a).length === 1, 'the failure sent');
    expect(p.loads(a)[0]).toMatchObject({ error: 'the remote did not answer' });
    p.answer(p.loads(a)[0] as LoadModel, false);
    await reloaded;
    expect(p.logs.at(-1)).toBe('pipe serve: reload asked for: the new model did not load, still serving churn v1: the remote did not answer');
    expect(existsSync(v1.dir)).toBe(true);
  });
});
