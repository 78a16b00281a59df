/** @module `pipe checkout`: make the workspace's cached outs and tracked data match data.lock. */
import { readlinkSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { checkoutPath, type CheckoutResult } from '../cache/checkout-path.js';
import type { CacheContext } from '../cache/commit-to-cache.js';
import { openCache } from '../cache/open-cache.js';
import { WorkspaceRecord } from '../cache/workspace-record.js';
import { PipeError, isPipeError, type UnsavedPath } from '../errors.js';
import { updateGitignore } from '../gitignore/update-gitignore.js';
import { HASH_ALGORITHM } from '../hash/hash-file.js';
import { PathHasher, type HashInfo } from '../hash/hash-path.js';
import { StatState } from '../hash/stat-state.js';
import { isSymlink } from '../hash/walk-files.js';
import { acquireMutex } from '../repo/mutex.js';
import { readLock } from '../lockfile/read-lock.js';
import { writeLock } from '../lockfile/write-lock.js';
import { adoptDvcLock } from '../lockfile/adopt-dvc-lock.js';
import { DvcCacheCarrier } from '../lockfile/dvc-cache.js';
import type { Pipeline, RepoPath } from '../pipeline/pipeline.js';
import { isWithin, relativeTo, toRepoPath } from '../fs/repo-path.js';
import { loadInputs } from './load-inputs.js';
import { cachedPaths } from './cached-paths.js';
import { unknownTarget } from '../dag/unknown-stage.js';

// Kept importable from here for the callers that read them with checkout's other exports.
export { cachedPaths } from './cached-paths.js';
export { relativeTo } from '../fs/repo-path.js';

export interface CheckoutOptions {
  readonly root: string;
  /** Stage names or paths (relative to `cwd`); none means everything. */
  readonly targets?: readonly string[];
  readonly cwd?: string;
  readonly relink?: boolean;
  /** Replace workspace content even when the cache does not hold it (it is lost). */
  readonly force?: boolean;
  readonly waitSeconds?: number;
}

export interface CheckoutSummary {
  readonly linked: readonly RepoPath[];
  readonly unchanged: readonly RepoPath[];
  readonly removed: readonly RepoPath[];
  /** Paths left alone because pipe did not place their current content. */
  readonly keptModified: readonly RepoPath[];
  readonly corrupt: readonly { hash: string; movedTo: string }[];
  readonly linkTypes: readonly string[];
}

export async function checkout(o: CheckoutOptions): Promise<CheckoutSummary> {
  const { root } = o;
  const { dir, parsed, pipeline, config } = await loadInputs(root, { pipelineOptional: true });
  const mutex = await acquireMutex({ file: dir.mutex, command: 'pipe checkout', waitSeconds: o.waitSeconds ?? 60 });
  try {
    const hasher = new PathHasher(root, new StatState(dir.state));
    const ctx = openCache({ root, config, hasher });
    // A DVC project's dvc.lock and .dvc files count for what data.lock lacks; their objects come from .dvc/cache.
    const carrier = new DvcCacheCarrier({ root, store: ctx.store });
    const adoption = await adoptDvcLock({ pipeline, lock: await readLock({ root, cache: parsed }), hasher, cache: parsed, carrier, carryAll: true });
    const lock = adoption.lock;
    if (adoption.adopted.length || adoption.adoptedData.length) await writeLock({ root, lock });
    const record = new WorkspaceRecord(dir.tmp);
    const all = cachedPaths(pipeline, lock);
    const wanted = selectTargets(all, pipeline, o);

    // Refused before anything is touched: an out below a symlink that leads out of the repository.
    for (const path of wanted.keys()) ctx.guard.parentOf(path);
    if (!o.force) {
      const unsaved = await unsavedChanges(ctx, record, wanted);
      if (unsaved.length) {
        const one = unsaved.length === 1;
        throw new PipeError(
          'WORKSPACE_MODIFIED',
          `checkout would overwrite ${one ? 'a path whose content is' : `${unsaved.length} paths whose content is`} not in the cache:\n${unsaved.map(describeUnsaved).join('\n')}\nNothing was changed. Copy ${one ? 'it' : 'them'} elsewhere (or 'pipe add' tracked data) to keep ${one ? 'it' : 'them'}, or run again with --force to discard the changes.`,
          { paths: unsaved },
        );
      }
    }

    const results: CheckoutResult[] = [];
    for (const [path, hash] of wanted) {
      const r = await checkoutPath(ctx, path, hash, { relink: o.relink });
      results.push(r);
      if (r.state !== 'missing') record.set(path, hash);
    }

    // Outs pipe placed earlier that nothing declares or locks any more (after a git checkout).
    // A path that overlaps one still declared or tracked is only forgotten, never deleted.
    const removed: RepoPath[] = [];
    const keptModified: RepoPath[] = [];
    if (!o.targets?.length) {
      const kept = [...all.keys(), ...pipeline.stages.flatMap((s) => s.outs.map((x) => x.path))];
      for (const [path, hash] of record.entries) {
        if (all.has(path)) continue;
        if (kept.some((k) => isWithin(k, path) || isWithin(path, k))) {
          record.delete(path);
          continue;
        }
        const now = await hasher.hash(path).catch(() => undefined);
        if (!now) record.delete(path);
        else if (now.hash === hash) {
          // Below a symlink out of the repository now: not what pipe placed there; forgotten, kept.
          if (!isGuarded(ctx, path)) {
            record.delete(path);
            continue;
          }
          rmSync(join(root, path), { recursive: true, force: true });
          record.delete(path);
          removed.push(path);
        } else keptModified.push(path);
      }
    }
    updateGitignore({ root, paths: [...all.keys()] });
    hasher.saveState();
    ctx.verifier.save();
    record.save();
    parsed.save();

    const missing = results.filter((r): r is Extract<CheckoutResult, { state: 'missing' }> => r.state === 'missing');
    const summary: CheckoutSummary = {
      linked: results.filter((r) => r.state === 'linked').map((r) => r.path),
      unchanged: results.filter((r) => r.state === 'unchanged').map((r) => r.path),
      removed,
      keptModified,
      corrupt: [...ctx.verifier.corrupt].map(([hash, movedTo]) => ({ hash, movedTo })),
      linkTypes: [...ctx.linker.used],
    };
    if (missing.length) {
      const lines = missing.map((m) => `  ${m.path}: ${m.missing.length} object${m.missing.length === 1 ? '' : 's'} missing (${m.missing.slice(0, 3).join(', ')}${m.missing.length > 3 ? ', …' : ''})`);
      const corrupt = summary.corrupt.map((c) => `  ${c.hash} did not match its content${c.hash.endsWith('.dir') ? ' or is not a usable directory manifest' : ''}; moved to ${c.movedTo}`);
      throw Object.assign(
        new PipeError(
          'CACHE_MISS',
          `${missing.length} path${missing.length === 1 ? '' : 's'} could not be checked out; the cache lacks:\n${[...lines, ...corrupt].join('\n')}\nRun 'pipe pull' to fetch them from a remote, or 'pipe repro' to compute them again.`,
          { missing: missing.map((m) => ({ path: m.path, objects: m.missing })) },
        ),
        { summary },
      );
    }
    return summary;
  } finally {
    mutex.release();
  }
}

/**
 * Wanted paths whose workspace content differs from data.lock and would be lost by a checkout:
 * not what pipe itself placed there (its objects stay in the cache: gc keeps them) and not all
 * in the cache (a file's object; for a directory, the object of every file it holds now, so a
 * file deleted from an out is simply restored).
 */
async function unsavedChanges(ctx: CacheContext, record: WorkspaceRecord, wanted: Map<RepoPath, string>): Promise<UnsavedPath[]> {
  const unsaved: UnsavedPath[] = [];
  for (const [path, locked] of wanted) {
    let now: HashInfo | undefined;
    try {
      now = await ctx.hasher.hash(path); // undefined: nothing there, or a dangling symlink
    } catch (err) {
      // A dangling symlink inside, an unreadable file: pipe cannot tell what would be lost, so it is kept.
      unsaved.push({ path, locked, unreadable: (err as Error).message });
      continue;
    }
    const abs = join(ctx.root, path);
    if (!now && isSymlink(abs)) {
      unsaved.push({ path, locked, unreadable: `it is a symlink to ${readlinkSync(abs)}, which does not exist` });
      continue;
    }
    if (!now || now.hash === locked || record.entries.get(path) === now.hash) continue;
    if (now.nfiles === undefined) {
      if (ctx.store.has(now.hash)) continue;
    } else {
      const withManifest = await ctx.hasher.hashWithManifest(path).catch(() => undefined);
      if (withManifest?.manifest?.every((e) => ctx.store.has(`${HASH_ALGORITHM}:${e.hash}`))) continue;
    }
    unsaved.push({ path, locked, workspace: now.hash });
  }
  return unsaved;
}

/** Whether the guard lets pipe delete `path`. */
function isGuarded(ctx: CacheContext, path: RepoPath): boolean {
  try {
    ctx.guard.parentOf(path);
    return true;
  } catch (err) {
    if (isPipeError(err, 'PATH_INVALID')) return false;
    throw err;
  }
}

function describeUnsaved(u: UnsavedPath): string {
  const there = u.workspace === undefined ? `cannot be read: ${u.unreadable}` : `the workspace has ${short(u.workspace)}`;
  return `  ${u.path} (${there}; data.lock has ${short(u.locked)})`;
}

/** `sha256:0123456789ab…` */
function short(hash: string): string {
  return `${hash.slice(0, hash.indexOf(':') + 13)}…`;
}

function selectTargets(all: Map<RepoPath, string>, pipeline: Pipeline, o: CheckoutOptions): Map<RepoPath, string> {
  if (!o.targets?.length) return all;
  const chosen = new Map<RepoPath, string>();
  for (const t of o.targets) {
    const stage = pipeline.stages.find((s) => s.name === t);
    if (stage) {
      for (const out of stage.outs) {
        const h = all.get(out.path);
        if (h) chosen.set(out.path, h);
      }
      continue;
    }
    const rel = toRepoPath(relativeTo(o.root, o.cwd ?? o.root, t));
    const hits = rel.ok ? [...all].filter(([p]) => isWithin(p, rel.path) || isWithin(rel.path, p)) : [];
    if (!rel.ok || hits.length === 0) {
      throw unknownTarget(
        t,
        pipeline.stages.map((s) => s.name),
        all.keys(),
      );
    }
    for (const [p, h] of hits) chosen.set(p, h);
  }
  return chosen;
}
