/**
 * @module The primary's side of reloads under `pipe serve --workers N`: the primary resolves, the
 * workers load. SIGHUP, or with --watch a move of the watched stage (polled here, in the primary
 * only, with the single process's retries, log lines and held/vacancy rules: hotReload), resolves
 * MODEL once (one fetch); every worker that serves is told to load that model, and each says how
 * its load went. The newest model that loaded is what a replacement worker starts on, and a
 * worker that started on an older one is told to load it once it listens; a worker where it did
 * not load is told again, with the watch's backoff, until it does. The primary owns the
 * temporary directories of fetched versions: one is removed once it is no longer the model the
 * workers serve and no worker still loads from it, and every one at exit.
 */
import type { Worker } from 'node:cluster';
import { describeWait, hotReload, MAX_RETRY_MS, ModelSlot, type HotReload, type Lease } from '../habits/index.js';
import { removeFetched, type ServedModel } from '../resolve-model.js';
import { stageWatch, watchingLine } from '../stage-watch.js';
import type { LoadResult } from './worker.js';
import { CLUSTER_MODEL_ENV, type ClusterStart, type LoadModel, type LoadOutcome, type ToWorker, type WorkerReady } from './messages.js';

/** A model the primary resolved, as the workers serve it. */
interface ClusterModel {
  readonly served: ServedModel;
  /** How the workers name it (GET /model's name and version), once one has loaded it. */
  name: string;
  label: string;
}

interface Member {
  readonly worker: Worker;
  /** The model it serves, or starts on. */
  model: ClusterModel;
  /** The last model it was sent or started on: a catch-up does not send it again. */
  tried: ClusterModel;
  ready: boolean;
  /** Whether it was told its model holds the watched stage. */
  held: boolean;
  /** Keeps the files it starts on until it listens. */
  starting?: Lease<ClusterModel>;
  /** The newest model did not load there: when it is tried again, and the wait before (doubled at each failure). */
  retry?: { readonly model: ClusterModel; readonly delayMs: number; readonly error: string; readonly timer: NodeJS.Timeout };
}

type Answer = LoadResult | 'exited';

export interface ClusterReloadsOptions {
  /** The model resolved at start, which the first workers load. */
  readonly model: ServedModel;
  /** Resolves MODEL again (a stage may have moved), fetching a version the workspace lacks. */
  readonly resolve: () => Promise<ServedModel>;
  /** With --watch: the reference (churn#prod) and the seconds between reads of the registry. */
  readonly watch?: { readonly reference: string | undefined; readonly seconds: number };
  readonly send: (worker: Worker, message: ToWorker) => void;
  readonly log: (line: string) => void;
  /** Where SIGHUP is listened for (default: this process). */
  readonly target?: Pick<NodeJS.Process, 'on' | 'off'>;
  /**
   * A worker where the newest model did not load while it loaded elsewhere is told to load it again
   * after this wait, then 2, 4… times it up to maxRetryMs, as --watch tries a move that did not take
   * (default: the watch interval, else 30 s).
   */
  readonly retryMs?: number;
  readonly maxRetryMs?: number;
}

export interface ClusterReloads {
  /** Starts a worker (`spawn` forks it with `env`) on the model the workers serve now. */
  fork(spawn: (env: Record<string, string>) => Worker): Worker;
  /** A worker listens: it is told to load a newer model than it started on, if there is one. */
  ready(worker: Worker, ready: WorkerReady): void;
  answered(outcome: LoadOutcome): void;
  exited(worker: Worker): void;
  /** Reloads now, as SIGHUP does; resolves once every worker asked has answered. */
  reload(): Promise<void>;
  /** No reload from now on (the service drains): SIGHUP and the watch stop. */
  halt(): void;
  /** Halts; `settle`: waits for a reload under way (its fetch, its workers' answers). Then removes every fetched version's directory. */
  stop(options: { settle: boolean }): Promise<void>;
}

const describe = (m: ClusterModel) => `${m.name} ${m.label}`;
const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error));
const modelOf = (served: ServedModel): ClusterModel => ({ served, name: served.name, label: served.version ?? 'unversioned' });

export function clusterReloads({ model, resolve, watch, send, log, target = process, retryMs = (watch?.seconds ?? 30) * 1000, maxRetryMs = MAX_RETRY_MS }: ClusterReloadsOptions): ClusterReloads {
  const members = new Map<number, Member>();
  const waiting = new Map<number, { member: Member; settle: (answer: Answer) => void }>();
  /** Every fetched version not yet removed. */
  const owned = new Set<ServedModel>([model]);
  const drop = (served: ServedModel) => {
    owned.delete(served);
    removeFetched(served);
  };
  const slot = new ModelSlot<ClusterModel>(modelOf(model), { dispose: (m) => drop(m.served) });
  let stageHeld = true;
  let stopped = false;
  let next = 0;
  let underWay: Promise<unknown> = Promise.resolve();

  /** What GET /model on a worker serving `m` says of the stage: with --watch, held only while `m` is the newest model and holds the stage. */
  const heldFor = (m: ClusterModel) => !watch || (stageHeld && m === slot.current);
  const syncHeld = () => {
    // Draining: the workers are told nothing more (one that starts listening now is stopping too).
    if (stopped) return;
    for (const member of members.values()) {
      if (!member.ready || heldFor(member.model) === member.held) continue;
      member.held = !member.held;
      send(member.worker, { type: 'pipe-serve:stage-held', held: member.held });
    }
  };
  const ask = (member: Member, body: { model: ServedModel } | { error: string }) =>
    new Promise<Answer>((settle) => {
      const id = next++;
      waiting.set(id, { member, settle });
      send(member.worker, { type: 'pipe-serve:load', id, ...body } as LoadModel);
    });
  const serving = () => [...members.values()].filter((m) => m.ready);

  const cancelRetry = (member: Member) => {
    if (member.retry) clearTimeout(member.retry.timer);
    delete member.retry;
  };
  /** The longest wait between tries: a whole number of first waits, as the watch's backoff counts polls. */
  const capMs = Math.max(1, Math.floor(maxRetryMs / retryMs)) * retryMs;
  /** `failed` (the newest model) did not load on `member`: tried again later. Says what to log after the error, or undefined when the same failure was told already and the wait still grows. */
  const retryLater = (member: Member, failed: ClusterModel, error: string): string | undefined => {
    const previous = member.retry?.model === failed ? member.retry : undefined;
    cancelRetry(member);
    if (stopped) return '';
    const delayMs = previous ? Math.min(previous.delayMs * 2, capMs) : retryMs;
    const timer = setTimeout(() => {
      // Sent once more, whatever the newest model is by then.
      member.tried = member.model;
      catchUp(member);
    }, delayMs);
    timer.unref();
    member.retry = { model: failed, delayMs, error, timer };
    return previous?.error === error && delayMs < capMs ? undefined : ` (trying again in ${describeWait(delayMs)})`;
  };

  /** A worker that listens on an older model than the newest (started on it, or the newest did not load there) is told to load the newest (its files kept until it answers). */
  const catchUp = (member: Member) => {
    if (stopped || !member.ready || member.model === slot.current || member.tried === slot.current) return;
    const lease = slot.acquire();
    const again = member.retry !== undefined;
    member.tried = lease.model;
    void ask(member, { model: lease.model.served }).then((answer) => {
      lease.release();
      if (answer === 'exited') return;
      const was = member.model;
      const pid = member.worker.process.pid;
      if (answer.ok) {
        member.model = lease.model;
        cancelRetry(member);
        log(again ? `pipe serve: worker ${pid} tried ${describe(lease.model)} again: now serving it (was ${describe(was)}).` : `pipe serve: worker ${pid} started on ${describe(was)}; now serving ${describe(lease.model)}`);
      } else {
        // Only the newest is tried again: a newer one that came meanwhile is sent by its own reload.
        const next = lease.model === slot.current ? retryLater(member, lease.model, answer.error) : '';
        if (next !== undefined)
          log(again ? `pipe serve: worker ${pid} tried ${describe(lease.model)} again: it did not load there, still serving ${describe(was)}: ${answer.error}${next}` : `pipe serve: worker ${pid} started on ${describe(was)}; ${describe(lease.model)} did not load there, still serving ${describe(was)}: ${answer.error}${next}`);
      }
      syncHeld();
    });
  };

  const load = async (): Promise<ClusterModel> => {
    if (stopped) throw new Error('the service is stopping');
    let served: ServedModel;
    try {
      served = await resolve();
    } catch (error) {
      // Each worker counts the failed reload, as a single process does (pipe_serve_model_reloads_total, last_reload).
      if (!stopped) await Promise.all(serving().map((m) => ask(m, { error: messageOf(error) })));
      throw error;
    }
    owned.add(served);
    const targets = serving();
    if (stopped || targets.length === 0) {
      drop(served);
      throw new Error(stopped ? 'the service is stopping' : 'no worker is serving yet to load it; reload once the service is ready');
    }
    const fresh = modelOf(served);
    const answers = await Promise.all(
      targets.map((member) => {
        cancelRetry(member);
        member.tried = fresh;
        return ask(member, { model: served });
      }),
    );
    const failed: { member: Member; error: string }[] = [];
    answers.forEach((answer, i) => {
      const member = targets[i] as Member;
      if (answer === 'exited') return;
      if (!answer.ok) failed.push({ member, error: answer.error });
      else {
        member.model = fresh;
        fresh.name = answer.name;
        fresh.label = answer.version ?? 'unversioned';
      }
    });
    if (!targets.some((m) => m.model === fresh)) {
      drop(served);
      throw new Error(failed[0]?.error ?? 'every worker stopped before it loaded the model');
    }
    // Tried again on those workers, once it is the model the others serve (after this returns).
    for (const { member, error } of failed) log(`pipe serve: worker ${member.worker.process.pid} did not load ${describe(fresh)}, still serving ${describe(member.model)}: ${error}${retryLater(member, fresh, error) ?? ''}`);
    return fresh;
  };

  const watching = watch
    ? stageWatch<ClusterModel>({
        served: model,
        reference: watch.reference,
        seconds: watch.seconds,
        servedOf: (m) => m.served,
        onHeld: (held) => {
          stageHeld = held;
          syncHeld();
        },
      })
    : undefined;
  const reloader: HotReload<ClusterModel> = hotReload<ClusterModel>({
    slot,
    load: () => {
      const run = load();
      underWay = run.catch(() => {});
      return run;
    },
    describe,
    ...(watching ? { watch: watching } : {}),
    log,
    target,
    onReload: (outcome) => {
      if (!outcome.ok) return;
      for (const member of members.values()) catchUp(member);
      syncHeld();
    },
  });
  if (watching) log(watchingLine(watching));
  const halt = () => {
    stopped = true;
    reloader.stop();
    for (const member of members.values()) cancelRetry(member);
  };

  return {
    fork(spawn) {
      const lease = slot.acquire();
      const start: ClusterStart = { model: lease.model.served, stageHeld: heldFor(lease.model) };
      const worker = spawn({ [CLUSTER_MODEL_ENV]: JSON.stringify(start) });
      members.set(worker.id, { worker, model: lease.model, tried: lease.model, ready: false, held: start.stageHeld, starting: lease });
      return worker;
    },
    ready(worker, { name, version }) {
      const member = members.get(worker.id);
      if (!member) return;
      member.ready = true;
      member.starting?.release();
      delete member.starting;
      member.model.name = name;
      member.model.label = version ?? 'unversioned';
      catchUp(member);
      syncHeld();
    },
    answered(outcome) {
      const w = waiting.get(outcome.id);
      waiting.delete(outcome.id);
      w?.settle(outcome.ok ? { ok: true, name: outcome.name, version: outcome.version } : { ok: false, error: outcome.error });
    },
    exited(worker) {
      const member = members.get(worker.id);
      if (!member) return;
      members.delete(worker.id);
      member.starting?.release();
      cancelRetry(member);
      for (const [id, w] of waiting) {
        if (w.member !== member) continue;
        waiting.delete(id);
        w.settle('exited');
      }
    },
    reload: async () => void (await reloader.reload()),
    halt,
    async stop({ settle }) {
      halt();
      if (settle) await underWay;
      slot.close();
      for (const served of owned) drop(served);
    },
  };
}
