/** @module `pipe repro`: bring the selected stages up to date, in dependency order, in parallel where allowed. */
import { availableParallelism } from 'node:os';
import { loadPipeline } from '../../pipeline/load-pipeline.js';
import { ignoredOutWarnings } from '../../gitignore/ignored-outs.js';
import { ParsedCache } from '../../yaml/parsed-cache.js';
import { unreadDvcYamls } from '../../pipeline/unread-dvc-yamls.js';
import { loadConfig } from '../../config/load-config.js';
import { openCache } from '../../cache/open-cache.js';
import { WorkspaceRecord } from '../../cache/workspace-record.js';
import { storedCheck } from '../../cache/stored-check.js';
import { RunCache } from '../../run-cache/run-cache.js';
import { buildDag } from '../../dag/build-dag.js';
import { schedule } from '../../dag/schedule.js';
import { selectStages, type Selection } from '../../dag/select-stages.js';
import { PipeError } from '../../errors.js';
import type { RunningStage } from '../../exec/run-stage.js';
import { updateGitignore } from '../../gitignore/update-gitignore.js';
import { PathHasher } from '../../hash/hash-path.js';
import { StatState } from '../../hash/stat-state.js';
import type { StageLock } from '../../lockfile/lock.js';
import { acquireMutex, describeHolder, type Mutex } from '../../repo/mutex.js';
import { readLock } from '../../lockfile/read-lock.js';
import { adoptDvcLock } from '../../lockfile/adopt-dvc-lock.js';
import { DvcCacheCarrier } from '../../lockfile/dvc-cache.js';
import { ObjectStore } from '../../cache/object-store.js';
import { writeLock } from '../../lockfile/write-lock.js';
import { ensurePipeDir, pipeDir } from '../../repo/pipe-dir.js';
import type { ReproReporter } from './repro-events.js';
import { RunRecorder } from './run-record.js';
import { pullMissingData, remotePuller } from './repro-pull.js';
import { lockedSizes } from '../../remote/locked-sizes.js';
import { openRemote, selectRemote, type OpenedRemote } from '../../remote/open-remote.js';
import { reproStage, type ReproContext, type StageFailure } from './repro-stage.js';
import { guardOuts } from './stage-outs.js';

export interface ReproOptions extends Selection {
  readonly root: string;
  readonly force?: boolean;
  readonly dry?: boolean;
  readonly jobs?: number;
  readonly keepGoing?: boolean;
  /** Never restore outs from the run-cache (`--no-run-cache`); runs are still recorded. */
  readonly noRunCache?: boolean;
  /** Seconds to wait for another pipe process holding the repository. */
  readonly waitSeconds?: number;
  readonly reporter: ReproReporter;
  /** Aborting stops running stages and starts no new ones (Ctrl-C). */
  readonly signal?: AbortSignal;
  /** `--pull`: before running a stage, look for its results in the remote's run-cache (and fetch missing tracked data). */
  readonly pull?: boolean;
  /** The remote for `pull` (default: the default remote). */
  readonly remote?: string;
  /** How the repository mutex names this run to a waiting process (default `pipe repro`). */
  readonly command?: string;
}

export interface ReproResult {
  readonly ran: readonly string[];
  readonly failures: readonly StageFailure[];
  /** Whether data.lock's bytes changed (a stage that ran again on the same inputs may leave it as it was). */
  readonly lockChanged: boolean;
}

export async function repro(o: ReproOptions): Promise<ReproResult> {
  const { root } = o;
  // What became of each stage, for `pipe report` (dry runs record nothing).
  const recorder = o.dry ? undefined : new RunRecorder(o.reporter);
  const reporter = recorder?.reporter ?? o.reporter;
  const cache = new ParsedCache(pipeDir(root).tmp);
  const pipeline = await loadPipeline({ root, cache });
  for (const w of [...unreadDvcYamls(pipeline, cache), ...(await ignoredOutWarnings(root, pipeline))]) reporter.note(`warning: ${w}`);
  const dag = buildDag(pipeline);
  const selected = selectStages(dag, o);
  const config = await loadConfig({ root, cache: cache });
  // Asked to pull with no remote configured: say so before anything runs.
  if (o.pull && !o.dry) selectRemote(config, o.remote);

  let mutex: Mutex | undefined;
  if (!o.dry) {
    ensurePipeDir(root);
    mutex = await acquireMutex({
      file: pipeDir(root).mutex,
      command: o.command ?? 'pipe repro',
      waitSeconds: o.waitSeconds ?? 60,
      onWait: (h) => reporter.note(`waiting for pipe process ${describeHolder(h)} to finish…`),
      onNotice: (text) => reporter.note(text),
      signal: o.signal,
    });
  }
  let opened: OpenedRemote | undefined;
  try {
    const state = new StatState(pipeDir(root).state);
    const hasher = new PathHasher(root, state);
    // A DVC project's dvc.lock counts for the stages data.lock does not know yet.
    // What the workspace lacks of it is carried from .dvc/cache (not on a dry run: it writes nothing).
    const carrier = o.dry ? undefined : new DvcCacheCarrier({ root, store: new ObjectStore(pipeDir(root).cache) });
    const { lock, adopted, adoptedData } = await adoptDvcLock({ pipeline, lock: await readLock({ root, cache }), hasher, cache, ...(carrier ? { carrier } : {}) });
    // Entries of stages no longer in pipeline.yaml are dropped on the next write.
    const locks = new Map(Object.entries(lock.stages).filter(([n]) => dag.stages.has(n))) as Map<string, StageLock>;
    const pruned = Object.keys(lock.stages).some((n) => !dag.stages.has(n));
    // Lock writes are chained so that each one serialises the latest entries, in order.
    let writes: Promise<unknown> = Promise.resolve();
    let lockChanged = false;
    const saveLock = () => {
      const write = writes.then(async () => {
        const wrote = await writeLock({ root, lock: { schema: 1, stages: Object.fromEntries(locks), data: lock.data } });
        lockChanged ||= wrote;
        return wrote;
      });
      writes = write.catch(() => {}); // the stage that asked for this write reports its failure
      return write;
    };
    let pullerForStages: ReproContext['pull'];
    const outsCtx = { root, cache: openCache({ root, config, hasher }), record: new WorkspaceRecord(pipeDir(root).tmp) };
    const runCache = new RunCache(pipeDir(root).cache);
    if (!o.dry) {
      // Refused before any stage runs (exit 2), rather than failing a stage halfway.
      guardOuts(outsCtx, selected.flatMap((name) => dag.stages.get(name)?.outs ?? []));
      const ignored = pipeline.stages.flatMap((s) => s.outs.filter((x) => x.cache).map((x) => x.path));
      updateGitignore({ root, paths: [...ignored, ...Object.keys(lock.data)] });
    }
    if (o.pull && !o.dry) {
      opened = await openRemote({ root, config, name: o.remote });
      const puller = remotePuller({ outs: outsCtx, runs: runCache, remote: opened.remote, jobs: opened.jobs, reporter, sizes: lockedSizes(lock) });
      await pullMissingData({ lock, hasher, outs: outsCtx, puller });
      pullerForStages = puller;
    }
    const running = new Set<RunningStage>();
    let interrupted = false;
    const onAbort = () => {
      interrupted = true;
      reporter.note(`interrupted: stopping ${running.size} running stage${running.size === 1 ? '' : 's'}…`);
      for (const r of running) r.kill();
    };
    // A Ctrl-C that came while loading or hashing counts too.
    if (o.signal?.aborted) interrupted = true;
    else o.signal?.addEventListener('abort', onAbort, { once: true });

    const ctx: ReproContext = {
      root,
      pipeline,
      dag,
      hasher,
      reporter,
      force: o.force ?? false,
      dry: o.dry ?? false,
      locks,
      saveLock,
      running,
      failures: [],
      ran: new Set(),
      stopped: () => interrupted,
      outs: outsCtx,
      runCache: o.noRunCache ? undefined : runCache,
      pull: pullerForStages,
      groups: mutex,
      isStored: storedCheck(outsCtx.cache.store, outsCtx.record),
    };
    try {
      await schedule({
        order: selected,
        upstream: dag.upstream,
        jobs: o.jobs ?? availableParallelism(),
        keepGoing: o.keepGoing ?? false,
        stopped: () => interrupted,
        work: (name) => reproStage(ctx, name),
        onBlocked: (name, upstream) => reporter.event({ kind: 'blocked', stage: name, upstream }),
      });
    } finally {
      o.signal?.removeEventListener('abort', onAbort);
      if (!o.dry) {
        hasher.saveState();
        outsCtx.cache.verifier.save();
        outsCtx.record.save();
        // Entries of stages deleted from pipeline.yaml are dropped even when nothing ran.
        // …and so are entries taken over from dvc.lock: checked against the workspace once, then pipe's.
        if ((pruned || adopted.length > 0 || adoptedData.length > 0) && ctx.failures.length === 0 && !interrupted) await saveLock();
        await writes;
        cache.save();
        recorder?.save(root, ctx.failures.length === 0 && !interrupted);
      }
    }
    if (interrupted) throw new PipeError('INTERRUPTED', 'interrupted; finished stages are locked, the next repro resumes from there', { signal: 'SIGINT' });
    const [first] = ctx.failures;
    if (first) {
      const failed = ctx.failures.map((f) => f.stage);
      const tail = first.stderrTail ? `\nlast lines of its stderr:\n${indent(first.stderrTail)}` : '';
      const others = failed.length > 1 ? `\nalso failed: ${failed.slice(1).join(', ')}` : '';
      throw new PipeError('STAGE_FAILED', `stage '${first.stage}' ${first.message}${tail}${others}`, {
        stage: first.stage,
        failed,
        exitCode: first.exitCode,
        signal: first.signal,
        stderrTail: first.stderrTail,
      });
    }
    return { ran: [...ctx.ran], failures: ctx.failures, lockChanged };
  } finally {
    opened?.remote.close();
    mutex?.release();
  }
}

function indent(text: string): string {
  return text
    .split('\n')
    .map((l) => `  ${l}`)
    .join('\n');
}
