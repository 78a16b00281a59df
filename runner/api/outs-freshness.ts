/** @module Whether files a stage writes (metrics the gate reads) are what data.lock records for an up-to-date pipeline, and why not. */
import { buildDag, type Dag } from '../dag/build-dag.js';
import { selectStages } from '../dag/select-stages.js';
import { isWithin } from '../fs/repo-path.js';
import { PathHasher } from '../hash/hash-path.js';
import { StatState } from '../hash/stat-state.js';
import { readLock } from '../lockfile/read-lock.js';
import type { Pipeline, RepoPath } from '../pipeline/pipeline.js';
import { ensurePipeDir } from '../repo/pipe-dir.js';
import { describeReason, type Reason } from '../stage/reason.js';
import { stageStatus } from '../stage/stage-status.js';
import { ParsedCache } from '../yaml/parsed-cache.js';
import { lockDigest, readRunRecord } from './repro/run-record.js';

export interface StaleOut {
  readonly path: RepoPath;
  /** The stage that writes it. */
  readonly stage: string;
  /** Why, in words: `stage evaluate is not up to date (validate failed)`. */
  readonly why: string;
}

export interface OutsFreshness {
  readonly stale: readonly StaleOut[];
  /** Cached paths the checks needed but the workspace lacks (a clone that has not pulled): taken as data.lock records them. */
  readonly unverified: readonly RepoPath[];
}

const MISSING = new Set<Reason['kind']>(['dep-missing', 'out-missing']);

/**
 * For each path a stage writes: that stage and every stage upstream of it must have no reason to
 * run (pipe status's check). A cached dep or out absent from the workspace cannot be checked and
 * is not held against it (CI gates on a fresh clone); one that is there with other bytes is.
 * Paths no stage writes are left out.
 */
export async function outsFreshness({ root, pipeline, paths }: { root: string; pipeline: Pipeline; paths: readonly RepoPath[] }): Promise<OutsFreshness> {
  const producers = new Map<RepoPath, string>();
  for (const s of pipeline.stages) for (const o of s.outs) if (paths.includes(o.path)) producers.set(o.path, s.name);
  if (producers.size === 0) return { stale: [], unverified: [] };
  const dir = ensurePipeDir(root);
  const dag = buildDag(pipeline);
  const selected = selectStages(dag, { targets: [...new Set(producers.values())] });
  const lock = await readLock({ root, cache: new ParsedCache(dir.tmp) });
  const hasher = new PathHasher(root, new StatState(dir.state));
  const cached = [
    ...pipeline.stages.flatMap((s) => s.outs.filter((o) => o.cache).map((o) => o.path)),
    ...Object.keys(lock.data),
  ];
  const isCached = (p: RepoPath) => cached.some((c) => isWithin(p, c));
  const unverified = new Set<RepoPath>();
  const own = new Map<string, Reason[]>();
  await Promise.all(
    selected.map(async (name) => {
      const stage = dag.stages.get(name);
      if (!stage) throw new Error(`unreachable: stage ${name} selected but not in the graph`);
      const s = await stageStatus({ stage, locked: lock.stages[name], pipeline, hasher });
      const reasons = s.reasons.filter((r) => {
        if (r.kind === 'always-changed') return false;
        if (MISSING.has(r.kind) && 'path' in r && isCached(r.path)) {
          unverified.add(r.path);
          return false;
        }
        // A frozen stage is not run again, so only what it left behind can be stale.
        return !stage.frozen || r.kind.startsWith('out-') || r.kind === 'never-run';
      });
      if (reasons.length) own.set(name, reasons);
    }),
  );
  hasher.saveState();
  const record = readRunRecord(root);
  const failed = record && record.lock === lockDigest(root) ? new Set(record.stages.filter((s) => s.outcome === 'failed').map((s) => s.stage)) : new Set<string>();
  const stale: StaleOut[] = [];
  for (const [path, stage] of producers) {
    const upstream = reachedUpstream(dag, stage).filter((n) => own.has(n));
    if (upstream.length === 0) continue;
    const failedHere = upstream.filter((n) => failed.has(n));
    stale.push({ path, stage, why: `stage ${stage} is not up to date (${failedHere.length ? `${failedHere.join(', ')} failed` : cause(stage, upstream, own)})` });
  }
  return { stale, unverified: [...unverified].sort() };
}

/** The stage's own first reason, else the first upstream stage that changed and its reason. */
function cause(stage: string, upstream: readonly string[], own: ReadonlyMap<string, readonly Reason[]>): string {
  const mine = own.get(stage);
  if (mine?.[0]) return describeReason(mine[0]);
  const first = upstream[0] ?? stage;
  const theirs = own.get(first)?.[0];
  return `upstream stage ${first}${theirs ? `: ${describeReason(theirs)}` : ' changed'}`;
}

/**
 * `stage` and the stages upstream of it, in the DAG's order, not walking past a frozen stage: it is
 * never run again, so what changed above it does not reach its outs (status says it is frozen).
 */
function reachedUpstream(dag: Dag, stage: string): string[] {
  const reached = new Set<string>();
  const walk = (name: string) => {
    if (reached.has(name)) return;
    reached.add(name);
    if (dag.stages.get(name)?.frozen) return;
    for (const up of dag.upstream.get(name) ?? []) walk(up);
  };
  walk(stage);
  return dag.order.filter((n) => reached.has(n));
}
