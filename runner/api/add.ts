/** @module `pipe add`: track raw data that no stage produces, in the cache and in data.lock's `data:` section. */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { commitToCache } from '../cache/commit-to-cache.js';
import { openCache } from '../cache/open-cache.js';
import { WorkspaceRecord } from '../cache/workspace-record.js';
import { PipeError } from '../errors.js';
import { updateGitignore } from '../gitignore/update-gitignore.js';
import { PathHasher } from '../hash/hash-path.js';
import { warmPoolForDirectories } from '../workers/pool.js';
import { StatState } from '../hash/stat-state.js';
import type { DataLock } from '../lockfile/lock.js';
import { acquireMutex } from '../repo/mutex.js';
import { readLock } from '../lockfile/read-lock.js';
import { writeLock } from '../lockfile/write-lock.js';
import type { RepoPath } from '../pipeline/pipeline.js';
import { isWithin, relativeTo, toRepoPath } from '../fs/repo-path.js';
import { cachedPaths } from './cached-paths.js';
import { loadInputs } from './load-inputs.js';

export interface AddResult {
  readonly path: RepoPath;
  readonly hash: string;
  readonly size: number;
  readonly nfiles?: number;
  /** `added` the first time, `updated` when the content changed, `unchanged` otherwise. */
  readonly change: 'added' | 'updated' | 'unchanged';
}

export async function add({ root, cwd = root, paths, waitSeconds = 60 }: { root: string; cwd?: string; paths: readonly string[]; waitSeconds?: number }): Promise<AddResult[]> {
  // A directory is likely many files: the hashing threads start now, while the pipeline, the
  // config and the lock load (a worker takes ~100 ms to start here).
  warmPoolForDirectories(paths.map((p) => resolve(cwd, p)));
  const { dir, parsed, pipeline, config } = await loadInputs(root, { pipelineOptional: true });

  const targets: RepoPath[] = [];
  for (const p of paths) {
    const r = toRepoPath(relativeTo(root, cwd, p));
    if (!r.ok) throw new PipeError('PATH_INVALID', `cannot add '${p}': the path ${r.reason}`, { path: p, reason: r.reason });
    if (!existsSync(join(root, r.path))) {
      throw new PipeError('PATH_INVALID', `cannot add '${p}': it does not exist`, { path: p, reason: 'missing' });
    }
    for (const stage of pipeline.stages) {
      const out = stage.outs.find((o) => isWithin(r.path, o.path) || isWithin(o.path, r.path));
      if (out) {
        throw new PipeError(
          'PATH_INVALID',
          `cannot add '${p}': it overlaps out '${out.path}' of stage '${stage.name}', whose content data.lock already tracks; run 'pipe repro ${stage.name}' instead`,
          { path: p, reason: 'stage-out' },
        );
      }
    }
    targets.push(r.path);
  }

  const mutex = await acquireMutex({ file: dir.mutex, command: `pipe add ${paths.join(' ')}`, waitSeconds });
  try {
    const lock = await readLock({ root, cache: parsed });
    const hasher = new PathHasher(root, new StatState(dir.state));
    const ctx = openCache({ root, config, hasher });
    const record = new WorkspaceRecord(dir.tmp);
    const data: Record<RepoPath, DataLock> = { ...lock.data };
    const results: AddResult[] = [];
    for (const path of targets) {
      // Adding a directory replaces tracked entries inside it, and the other way round.
      for (const existing of Object.keys(data)) {
        if (existing !== path && (isWithin(existing, path) || isWithin(path, existing))) {
          delete data[existing];
          record.delete(existing);
        }
      }
      const info = await commitToCache(ctx, path);
      const before = data[path];
      data[path] = info.nfiles === undefined ? { hash: info.hash, size: info.size } : { hash: info.hash, size: info.size, nfiles: info.nfiles };
      record.set(path, info.hash);
      results.push({
        path,
        hash: info.hash,
        size: info.size,
        ...(info.nfiles === undefined ? {} : { nfiles: info.nfiles }),
        change: !before ? 'added' : before.hash === info.hash ? 'unchanged' : 'updated',
      });
    }
    const next = { ...lock, data };
    await writeLock({ root, lock: next });
    updateGitignore({ root, paths: [...cachedPaths(pipeline, next).keys()] });
    hasher.saveState();
    ctx.verifier.save();
    record.save();
    parsed.save();
    return results;
  } finally {
    mutex.release();
  }
}

