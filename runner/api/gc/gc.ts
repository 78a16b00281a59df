/** @module `pipe gc`: remove the objects (and run-cache entries) that nothing in scope needs, from .pipe/cache and, with --cloud, from a remote. */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { ObjectStore, parseHash } from '../../cache/object-store.js';
import { ObjectVerifier } from '../../cache/object-verifier.js';
import { WorkspaceRecord } from '../../cache/workspace-record.js';
import { loadConfig } from '../../config/load-config.js';
import { loadPipeline } from '../../pipeline/load-pipeline.js';
import { ParsedCache } from '../../yaml/parsed-cache.js';
import type { ManifestEntry } from '../../hash/manifest.js';
import { StatState } from '../../hash/stat-state.js';
import { acquireMutex } from '../../repo/mutex.js';
import { isProcessLive } from '../../exec/process-group.js';
import { PipeError } from '../../errors.js';
import { readLock } from '../../lockfile/read-lock.js';
import type { Pipeline } from '../../pipeline/pipeline.js';
import { openRemote, type OpenedRemote } from '../../remote/open-remote.js';
import { ensurePipeDir, experimentWorktreePid } from '../../repo/pipe-dir.js';
import { RunCache } from '../../run-cache/run-cache.js';
import { planCloudGc, readRemoteContents, readRemoteManifests, removeFromRemote, type CloudGcPlan, type RemoteContents } from './gc-cloud.js';
import { localRunsToKeep, planLocalGc, removeLocal, type LocalGcPlan } from './gc-local.js';
import { referencedObjects, unknownDirsWarning, type Referenced } from './referenced.js';
import { keptRoots, type GcScope } from './roots.js';

export interface GcOptions extends GcScope {
  readonly root: string;
  readonly dry?: boolean;
  /** Keep every run-cache entry and the objects it names (default: only the entries of kept results). */
  readonly keepRunCache?: boolean;
  readonly waitSeconds?: number;
  /** Also remove what nothing in scope references from a remote. */
  readonly cloud?: boolean;
  /** The remote for `cloud` (default: the default remote). */
  readonly remote?: string;
  readonly jobs?: number;
  /**
   * Called with the plan before anything is removed when `cloud` is set (not with `dry`); when
   * it resolves false nothing is removed. Without it, the plan is carried out.
   */
  readonly confirm?: (plan: GcPlan) => Promise<boolean>;
}

export interface GcPlan {
  readonly local: LocalGcPlan;
  readonly cloud?: CloudGcPlan;
  /** Commits whose data.lock was kept (0 without a revision scope), and how many distinct locks they hold. */
  readonly commits: number;
  readonly distinctLocks: number;
  /** Things gc chose to keep because it could not tell (unknown manifests, invalid locks), one message each. */
  readonly warnings: readonly string[];
}

export interface GcResult extends GcPlan {
  /** False when `confirm` said no: nothing was removed. */
  readonly done: boolean;
}

/**
 * Holds the repository mutex unless `dry`. Everything is planned (and the remote listed) before
 * anything is removed, so a refused confirmation or a failed listing removes nothing.
 */
export async function gc(o: GcOptions): Promise<GcResult> {
  const dir = ensurePipeDir(o.root);
  const parsed = new ParsedCache(dir.tmp);
  const pipeline = await loadPipeline({ root: o.root, cache: parsed }); // a broken pipeline.yaml is reported, not collected around
  const config = o.cloud ? await loadConfig({ root: o.root, cache: parsed }) : undefined;
  const mutex = o.dry ? undefined : await acquireMutex({ file: dir.mutex, command: 'pipe gc', waitSeconds: o.waitSeconds ?? 60 });
  let opened: OpenedRemote | undefined;
  try {
    if (mutex) refuseWhileExperimentsRun(dir.exps);
    const lock = await readLock({ root: o.root, cache: parsed });
    const store = new ObjectStore(dir.cache);
    const runs = new RunCache(dir.cache);
    const placed = new WorkspaceRecord(dir.tmp).entries;
    const kept = await keptRoots({ root: o.root, lock, placed, scope: o, tmpDir: dir.tmp });
    const keepRunCache = Boolean(o.keepRunCache);
    const localRuns = localRunsToKeep({ runs, roots: kept.roots, keepRunCache });

    let contents: RemoteContents | undefined;
    if (config) {
      opened = await openRemote({ root: o.root, config, name: o.remote, jobs: o.jobs });
      contents = await readRemoteContents(opened);
    }
    // What is kept in both places: the scope's hashes and, with keepRunCache, every entry's outs.
    const roots = new Map(kept.roots);
    const addRunOuts = (outs: Iterable<[string, string]>) => {
      for (const [hash, where] of outs) if (!roots.has(hash)) roots.set(hash, where);
    };
    addRunOuts(localRuns.outs);
    if (keepRunCache && contents) {
      for (const [fp, rec] of contents.runs) for (const x of rec?.outs ?? []) addRunOuts([[x.hash, `${x.path} (remote run-cache entry ${fp.slice(0, 12)})`]]);
    }
    const local = new Map<string, readonly ManifestEntry[] | undefined>();
    const fromCache = (hash: string) => {
      if (!local.has(hash)) local.set(hash, store.readManifest(hash));
      return local.get(hash);
    };
    const fromRemote =
      opened && contents
        ? await readRemoteManifests({ remote: opened.remote, jobs: opened.jobs, hashes: [...roots.keys()].filter((h) => parseHash(h)?.isDir && !fromCache(h)), listed: contents.objects })
        : new Map<string, ManifestEntry[]>();
    const referenced = referencedObjects(roots, (hash) => fromCache(hash) ?? fromRemote.get(hash));

    const cloud = opened && contents ? await planCloudGc({ remote: opened.remote, jobs: opened.jobs, contents, referenced, roots: kept.roots, keepRunCache }) : undefined;
    const plan: GcPlan = {
      local: await planLocalGc({ store, referenced, keptRuns: localRuns.kept, droppedRuns: localRuns.dropped }),
      ...(cloud ? { cloud } : {}),
      commits: kept.commits,
      distinctLocks: kept.distinctLocks,
      warnings: [...kept.warnings, ...warningsOf(referenced, cloud)],
    };
    if (o.dry) return { ...plan, done: true };
    if (plan.cloud && o.confirm && !(await o.confirm(plan))) return { ...plan, done: false };
    await removeLocal(store, plan.local);
    // What the verifier remembered of the removed objects would otherwise stay in the state
    // (.pipe/tmp/state/objects) for good, read by every checkout and add.
    if (plan.local.removedObjects.length) {
      const verifier = new ObjectVerifier(store, join(dir.state, 'objects'));
      verifier.forget(plan.local.removedObjects.map((o) => o.hash));
      verifier.save();
    }
    // Likewise the stat state of paths that are no longer deps, outs or tracked data.
    const state = new StatState(dir.state);
    state.prune([...declaredPaths(pipeline), ...kept.paths]);
    state.save();
    if (opened && plan.cloud) await removeFromRemote({ remote: opened.remote, jobs: opened.jobs, plan: plan.cloud });
    return { ...plan, done: true };
  } finally {
    opened?.remote.close();
    mutex?.release();
  }
}

/** Deps and outs of pipeline.yaml; with the paths of the kept locks and what pipe placed, every path a later run may hash. */
function declaredPaths(pipeline: Pipeline): string[] {
  return pipeline.stages.flatMap((s) => [...s.deps, ...s.outs].map((x) => x.path));
}

function warningsOf(referenced: Referenced, cloud: CloudGcPlan | undefined): string[] {
  const out: string[] = [];
  const unknown = unknownDirsWarning(referenced, cloud?.remote);
  if (unknown) out.push(unknown);
  if (cloud?.unreadableRuns) {
    const n = cloud.unreadableRuns;
    out.push(`${n} run-cache entr${n === 1 ? 'y' : 'ies'} on remote '${cloud.remote}' could not be read as one; kept (gc cannot tell what ${n === 1 ? 'it restores' : 'they restore'})`);
  }
  return out;
}

/**
 * An experiment running in a worktree of this repository (`pipe exp run`, `pipe queue start`)
 * holds its own worktree's mutex, not this one, and its outs have no ref until it finishes: a gc
 * now would remove what it just stored.
 */
function refuseWhileExperimentsRun(expsDir: string): void {
  let names: string[];
  try {
    names = readdirSync(expsDir);
  } catch {
    return;
  }
  const pids = names.map(experimentWorktreePid).filter((pid): pid is number => pid !== undefined && isProcessLive(pid));
  if (!pids.length) return;
  const pid = pids[0] as number;
  throw new PipeError('MUTEX_BUSY', `experiments are running (pid ${[...new Set(pids)].join(', ')}): their outs have no ref yet and gc would remove them; run pipe gc once they finish (pipe queue status)`, { pid, command: 'pipe exp', waitedSeconds: 0 });
}
