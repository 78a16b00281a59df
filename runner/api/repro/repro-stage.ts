/** @module Brings one stage up to date: decide from its status, run it, check and lock its outs. */
import type { Dag } from '../../dag/build-dag.js';
import type { Reason } from '../../stage/reason.js';
import { runStage, type GroupTracker, type RunningStage } from '../../exec/run-stage.js';
import { lockedCmd, stageStatus } from '../../stage/stage-status.js';
import type { HashInfo, PathHasher } from '../../hash/hash-path.js';
import type { LockedPath, StageLock } from '../../lockfile/lock.js';
import { fingerprint } from '../../run-cache/fingerprint.js';
import { restorable, type RunCache } from '../../run-cache/run-cache.js';
import { commitOuts, lockedPath, prepareOuts, recordRun, restoreFromRunCache, restoreLockedOuts, storeOuts, type OutsContext } from './stage-outs.js';
import type { RemotePuller } from './repro-pull.js';
import type { Pipeline, Stage } from '../../pipeline/pipeline.js';
import type { ReproReporter } from './repro-events.js';

export interface StageFailure {
  readonly stage: string;
  readonly message: string;
  readonly exitCode?: number;
  readonly signal?: string;
  readonly stderrTail?: string;
}

export interface ReproContext {
  readonly root: string;
  readonly pipeline: Pipeline;
  readonly dag: Dag;
  readonly hasher: PathHasher;
  readonly reporter: ReproReporter;
  readonly force: boolean;
  readonly dry: boolean;
  /** The current lock entries; updated as stages succeed. */
  readonly locks: Map<string, StageLock>;
  /** Persists `locks` (atomically). */
  readonly saveLock: () => Promise<unknown>;
  readonly running: Set<RunningStage>;
  readonly failures: StageFailure[];
  /** Stages that ran (or, with --dry, would run). */
  readonly ran: Set<string>;
  readonly stopped: () => boolean;
  /** The cache, for committing and restoring outs. */
  readonly outs: OutsContext;
  /** Undefined with --no-run-cache. */
  readonly runCache: RunCache | undefined;
  /** With --pull: fetches a stage's results from the remote before it would run. */
  readonly pull?: RemotePuller;
  /** Whether the cache holds a locked out (cache/stored-check.ts). */
  readonly isStored?: (path: string, hash: string) => boolean;
  /** The repository mutex, which records running stages' process groups (undefined with --dry). */
  readonly groups?: GroupTracker;
}

export async function reproStage(ctx: ReproContext, name: string): Promise<'ok' | 'failed'> {
  const stage = ctx.dag.stages.get(name) as Stage;
  const started = Date.now();
  const fail = (f: Omit<StageFailure, 'stage'>): 'failed' => {
    ctx.failures.push({ stage: name, ...f });
    ctx.reporter.event({ kind: 'failed', stage: name, ms: Date.now() - started, message: f.message });
    return 'failed';
  };
  try {
    if (stage.frozen) {
      ctx.reporter.event({ kind: 'skipped', stage: name, why: 'frozen' });
      return 'ok';
    }
    const status = await stageStatus({ stage, locked: ctx.locks.get(name), pipeline: ctx.pipeline, hasher: ctx.hasher, isStored: ctx.isStored });
    const reasons: Reason[] = [...status.reasons];
    if (ctx.dry) {
      for (const up of ctx.dag.upstream.get(name) ?? []) {
        if (ctx.ran.has(up)) reasons.push({ kind: 'upstream-changed', stage: up });
      }
    }
    if (ctx.force && reasons.length === 0) reasons.push({ kind: 'forced' });
    if (reasons.length === 0) {
      ctx.reporter.event({ kind: 'skipped', stage: name, why: 'up-to-date' });
      return 'ok';
    }
    // The workspace holds what data.lock says but the cache lacks it (a run killed while its
    // stage finished on its own, an out switched to cache: true): store it, nothing to run.
    if (!ctx.dry && !ctx.force && reasons.length > 0 && reasons.every((r) => r.kind === 'out-not-stored')) {
      await storeOuts(ctx.outs, stage, reasons.map((r) => (r as { path: string }).path));
      ctx.reporter.event({ kind: 'stored', stage: name, reasons, ms: Date.now() - started });
      return 'ok';
    }
    if (ctx.dry) {
      ctx.ran.add(name);
      ctx.reporter.event({ kind: 'would-run', stage: name, reasons });
      return 'ok';
    }
    const missing = reasons.find((r) => r.kind === 'dep-missing');
    if (missing && missing.kind === 'dep-missing') {
      const producer = ctx.dag.edges.find((e) => e.to === name && e.path === missing.path)?.from;
      return fail({
        message: producer
          ? `dep '${missing.path}' does not exist; stage '${producer}' produces it (run it first, e.g. without -s)`
          : `dep '${missing.path}' does not exist and no stage produces it`,
      });
    }
    if (ctx.stopped()) return 'failed';

    const fp = fingerprint(stage, status.deps, status.params);
    const lockEntry = (outs: readonly LockedPath[]): StageLock => ({
      cmd: lockedCmd(stage),
      wdir: stage.wdir,
      env: stage.env,
      deps: status.deps.map(lockedPath),
      params: status.params,
      outs,
    });
    if (ctx.runCache && !ctx.force && restorable(stage)) {
      // The remote's run-cache may know this fingerprint (CI ran it): fetch the entry and its objects.
      if (ctx.pull) await ctx.pull.run(name, fp);
      const outs = await restoreFromRunCache(ctx.outs, ctx.runCache, stage, fp);
      if (outs) {
        ctx.locks.set(name, lockEntry(outs));
        await ctx.saveLock();
        ctx.ran.add(name);
        ctx.reporter.event({ kind: 'restored', stage: name, reasons, ms: Date.now() - started });
        return 'ok';
      }
    }

    // Only cached outs are missing (a fresh clone): data.lock's own outs, from the remote.
    const locked = ctx.locks.get(name);
    if (ctx.pull && !ctx.force && locked && onlyCachedOutsMissing(stage, reasons)) {
      const cached = locked.outs.filter((o) => stage.outs.some((x) => x.path === o.path && x.cache));
      if ((await ctx.pull.outs(name, cached)) && (await restoreLockedOuts(ctx.outs, cached))) {
        ctx.ran.add(name);
        ctx.reporter.event({ kind: 'restored', stage: name, reasons, ms: Date.now() - started });
        return 'ok';
      }
    }

    ctx.reporter.event({ kind: 'running', stage: name, reasons });
    ctx.ran.add(name);
    prepareOuts(ctx.outs, stage);
    const run = runStage({ root: ctx.root, stage, output: ctx.reporter, groups: ctx.groups });
    ctx.running.add(run);
    const result = await run.done.finally(() => ctx.running.delete(run));
    if (!result.ok) {
      const how = result.signal ? `was killed by ${result.signal}` : `exited with code ${result.exitCode}`;
      const which = stage.cmd.length > 1 ? ` (command: ${result.failedCmd})` : '';
      return fail({
        message: `${how}${which}`,
        exitCode: result.exitCode,
        signal: result.signal,
        stderrTail: result.stderrTail,
      });
    }

    const outs = await commitOuts(ctx.outs, stage);
    const absent = stage.outs.filter((_, i) => !outs[i]).map((o) => o.path);
    if (absent.length) {
      return fail({ message: `finished but did not create its declared out${absent.length > 1 ? 's' : ''} ${absent.join(', ')}` });
    }
    const lockedOuts = (outs as HashInfo[]).map(lockedPath);
    ctx.locks.set(name, lockEntry(lockedOuts));
    await ctx.saveLock();
    if (restorable(stage) && ctx.runCache) {
      // The stage succeeded and is locked: a run-cache that cannot take the entry only costs a later re-run.
      await recordRun(ctx.outs, ctx.runCache, stage, fp, lockedOuts).catch((err: unknown) =>
        ctx.reporter.note(`${name}: not recorded in the run-cache: ${(err as Error).message}`),
      );
    }
    ctx.reporter.event({ kind: 'done', stage: name, ms: Date.now() - started });
    return 'ok';
  } catch (err) {
    return fail({ message: (err as Error).message });
  }
}

function onlyCachedOutsMissing(stage: Stage, reasons: readonly Reason[]): boolean {
  return reasons.length > 0 && reasons.every((r) => r.kind === 'out-missing' && stage.outs.some((o) => o.path === r.path && o.cache));
}

