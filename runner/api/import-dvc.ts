/**
 * @module `pipe import dvc`: a DVC project made a pipe project in one step. pipeline.yaml is
 * written from dvc.yaml (templating kept), data.lock from dvc.lock and the `.dvc` files, the
 * md5-addressed objects of `.dvc/cache` are carried into pipe's store (verified, rehashed), and
 * the managed .gitignore block lists the cached paths. Re-running it changes nothing.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PipeError, formatIssues, type SpecIssue } from '../errors.js';
import { ignoredOutWarnings } from '../gitignore/ignored-outs.js';
import { updateGitignore } from '../gitignore/update-gitignore.js';
import { PathHasher } from '../hash/hash-path.js';
import { StatState } from '../hash/stat-state.js';
import { ObjectStore } from '../cache/object-store.js';
import { adoptDvcLock } from '../lockfile/adopt-dvc-lock.js';
import { DvcCacheCarrier, type CarryProblem } from '../lockfile/dvc-cache.js';
import { emptyLock, LOCK_FILE, type Lock } from '../lockfile/lock.js';
import { readLock } from '../lockfile/read-lock.js';
import { writeLock } from '../lockfile/write-lock.js';
import { writeFileAtomic } from '../fs/write-file-atomic.js';
import type { Pipeline, RepoPath } from '../pipeline/pipeline.js';
import { loadPipelineOrNone } from '../pipeline/load-pipeline.js';
import { acquireMutex } from '../repo/mutex.js';
import { ensurePipeDir, pipeDir } from '../repo/pipe-dir.js';
import { ParsedCache } from '../yaml/parsed-cache.js';
import { pipelineFromDvcYaml, pipelineOrigin } from '../import-dvc/pipeline-from-dvc-yaml.js';
import { carriedSections, carryProblem } from '../import-dvc/sub-dvc-yaml.js';
import { findDvcYamls } from '../pipeline/find-dvc-yaml.js';
import { cachedPaths } from './checkout.js';

const PIPELINE_FILE = 'pipeline.yaml';
const DVC_FILE = 'dvc.yaml';

export type FileChange = 'written' | 'unchanged';

export interface ImportReport {
  readonly dry: boolean;
  /** pipeline.yaml, data.lock and .gitignore: written (or, dry, would be) or already as import leaves them. */
  readonly files: Readonly<Record<string, FileChange>>;
  /** Stages of dvc.yaml, and those whose recorded state could not be taken over (they will run). */
  readonly stages: { readonly total: number; readonly willRun: readonly string[] };
  /** Paths `.dvc` files track, and those neither the workspace nor `.dvc/cache` holds. */
  readonly data: { readonly total: number; readonly missing: readonly RepoPath[] };
  /** Objects newly put in pipe's store from `.dvc/cache` (dry: that would be), and their bytes. */
  readonly objects: { readonly carried: number; readonly bytes: number };
  /** Objects of `.dvc/cache` that are corrupt (not stored) or missing. */
  readonly problems: readonly CarryProblem[];
  /** Committed metrics and plots files that .gitignore hides. */
  readonly warnings: readonly string[];
}

export async function importDvc({ root, dry = false, waitSeconds = 60 }: { root: string; dry?: boolean; waitSeconds?: number }): Promise<ImportReport> {
  const parsed = new ParsedCache(undefined);
  // Every dvc.yaml of the project, the root's first (if it has one), as pipe runs them.
  const dvcFiles = findDvcYamls(root, parsed);
  const hasDvcYaml = dvcFiles.length > 0;
  if (!hasDvcYaml && !existsSync(join(root, '.dvc'))) {
    throw new PipeError('NO_PIPELINE', `no ${DVC_FILE} and no .dvc/ in ${root}: nothing to import (run 'pipe import dvc' at the root of a DVC project)`, { cwd: root });
  }
  // Without dvc.yaml only .dvc files are imported, next to whatever pipeline the root already has.
  const pipeline = hasDvcYaml ? await loadDvcYaml(root, dvcFiles, parsed) : await loadPipelineOrNone({ root, cache: parsed });
  const pipelineText = hasDvcYaml ? await importedPipelineText(root, dvcFiles, parsed) : undefined;
  const current = readOrUndefined(join(root, PIPELINE_FILE));
  const origin = current === undefined ? undefined : pipelineOrigin(current);
  if (pipelineText !== undefined && current !== undefined && current !== pipelineText && origin !== 'import') {
    const why = origin === 'edited' ? "was edited since 'pipe import dvc' wrote it" : "exists and was not written by 'pipe import dvc'";
    throw new PipeError(
      'INIT_FILES_EXIST',
      `${PIPELINE_FILE} ${why}; nothing was changed. Move it away (pipe would run it instead of dvc.yaml) and import again, or keep it and stop importing.`,
      { files: [PIPELINE_FILE] },
    );
  }
  const dir = dry ? pipeDir(root) : ensurePipeDir(root);
  const mutex = dry ? undefined : await acquireMutex({ file: dir.mutex, command: `pipe import dvc`, waitSeconds });
  try {
    const hasher = new PathHasher(root, new StatState(dir.state));
    const carrier = new DvcCacheCarrier({ root, store: new ObjectStore(dir.cache), dry });
    const before = existsSync(join(root, LOCK_FILE)) ? await readLock({ root, cache: parsed }) : emptyLock();
    const adoption = await adoptDvcLock({ pipeline, lock: before, hasher, cache: parsed, carrier, carryAll: true });
    // Entries of stages dvc.yaml does not have (an older import's) go, as repro would drop them.
    const kept = hasDvcYaml ? Object.entries(adoption.lock.stages).filter(([n]) => pipeline.stages.some((s) => s.name === n)) : Object.entries(adoption.lock.stages);
    const lock: Lock = { ...adoption.lock, stages: Object.fromEntries(kept) };
    const files: Record<string, FileChange> = {};
    // pipeline.yaml last: until it exists dvc.yaml is the pipeline, so an import cut short after
    // data.lock leaves a project that runs as before (and a re-run finishes it).
    files[LOCK_FILE] = dry ? (await lockWouldChange(root, lock)) : (await writeLock({ root, lock })) ? 'written' : 'unchanged';
    files['.gitignore'] = updateGitignore({ root, paths: [...cachedPaths(pipeline, lock).keys()], dry }) ? 'written' : 'unchanged';
    if (pipelineText !== undefined) {
      files[PIPELINE_FILE] = current === pipelineText ? 'unchanged' : 'written';
      if (!dry && current !== pipelineText) writeFileAtomic(join(root, PIPELINE_FILE), pipelineText);
    }
    if (!dry) hasher.saveState();
    const unresolved = (hash: string) => hash.startsWith('md5:');
    return {
      dry,
      files,
      stages: {
        total: pipeline.stages.length,
        willRun: pipeline.stages.filter((s) => {
          const l = lock.stages[s.name];
          return !l || [...l.deps, ...l.outs].some((p) => unresolved(p.hash));
        }).map((s) => s.name),
      },
      data: { total: new Set(adoption.trackedData).size, missing: adoption.pendingData },
      objects: { carried: carrier.objects, bytes: carrier.bytes },
      problems: [...carrier.problems.values()],
      warnings: await ignoredOutWarnings(root, pipeline),
    };
  } finally {
    mutex?.release();
  }
}

/** The dvc.yaml `files` read strictly, whatever else the root holds (pipeline.yaml would win for loadPipeline). */
async function loadDvcYaml(root: string, files: readonly string[], cache: ParsedCache): Promise<Pipeline> {
  const { dvcYaml } = await import('../pipeline/pipeline-yaml.js');
  const r = await dvcYaml.load({ root, files, cache, fresh: true });
  if ('pipeline' in r) return r.pipeline;
  throw specInvalid(r.issues);
}

function specInvalid(issues: SpecIssue[]): PipeError<'SPEC_INVALID'> {
  const n = issues.length;
  return new PipeError('SPEC_INVALID', `${n} problem${n === 1 ? '' : 's'} in the pipeline:\n${formatIssues(issues)}`, { issues });
}

/**
 * pipeline.yaml's text: the root dvc.yaml's, templating kept, and the stages of each dvc.yaml
 * below the root carried in (templating expanded; refused, naming the files, when it reads files).
 */
async function importedPipelineText(root: string, files: readonly string[], cache: ParsedCache): Promise<string> {
  const subs = files.filter((f) => f !== DVC_FILE);
  const problems = (await Promise.all(subs.map((f) => carryProblem(root, f)))).filter((p): p is SpecIssue => p !== undefined);
  if (problems.length) throw specInvalid(problems);
  const carried = await Promise.all(subs.map(async (file) => ({ file, sections: carriedSections(await loadDvcYaml(root, [file], cache)) })));
  return pipelineFromDvcYaml(files.includes(DVC_FILE) ? readFileSync(join(root, DVC_FILE), 'utf8') : undefined, carried);
}

async function lockWouldChange(root: string, lock: Lock): Promise<FileChange> {
  const { serializeLock } = await import('../lockfile/serialize-lock.js');
  return readOrUndefined(join(root, LOCK_FILE)) === serializeLock(lock) ? 'unchanged' : 'written';
}

function readOrUndefined(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}
