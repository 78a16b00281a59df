/**
 * @module Which model `pipe serve [MODEL]` serves, and where its files are: a directory (a model
 * package), a registry reference (`churn#prod`, `churn@v1.2.0`, `churn@latest`), a git revision,
 * or by default the workspace's `churn` artifact (its path from `artifacts:` in pipeline.yaml).
 * A reference or revision is served from the workspace when the workspace's data.lock records the
 * same artifact hash as that commit and the files still hash to it; another version (or the same
 * one, edited in the workspace) is written from the cache (the missing objects fetched from the
 * remote), as `pipe model get` writes it.
 */
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { PipeError } from '../runner/command/index.js';
import type { Lock, RepoPath } from '../runner/index.js';

export type ModelSource = 'directory' | 'workspace' | 'registry' | 'revision';

export interface ServedModel {
  /** The model package directory, absolute. */
  readonly dir: string;
  /** `dir` is a temporary copy written for this service (a version the workspace does not hold): removed when it stops. */
  readonly fetched?: boolean;
  readonly name: string;
  readonly version?: string;
  readonly stage?: string;
  /** The commit whose data.lock records the served artifact. */
  readonly commit?: string;
  /** The artifact's hash in that data.lock (for a modified workspace artifact: the hash of the files as they are). */
  readonly hash?: string;
  /**
   * The workspace's artifact no longer holds what data.lock records (edited, replaced, or a
   * checkout left undone): its files are served as they are, with their own hash, and no commit,
   * params or metrics are claimed for them.
   */
  readonly modified?: boolean;
  readonly source: ModelSource;
  /** The repository and the artifact's path in it, when the model comes from one. */
  readonly root?: string;
  readonly path?: RepoPath;
  /** Training params and metrics recorded when the service was built (a built service has no repository to read them from). */
  readonly provenance?: { readonly params: Readonly<Record<string, unknown>> | null; readonly metrics: Readonly<Record<string, unknown>> | null };
}

export const DEFAULT_ARTIFACT = 'churn';

const unavailable = (reference: string, message: string, cause?: unknown) =>
  new PipeError('SERVE_MODEL_UNAVAILABLE', message, { reference }, cause === undefined ? undefined : { cause });

export async function resolveModel({ cwd, reference }: { cwd: string; reference?: string }): Promise<ServedModel> {
  if (reference !== undefined) {
    const dir = resolve(cwd, reference);
    if (existsSync(dir) && statSync(dir).isDirectory()) return { dir, name: basename(dir), source: 'directory' };
  }
  const { findRoot, parseModelReference } = await import('../runner/index.js');
  let root: string;
  try {
    root = findRoot(cwd);
  } catch (cause) {
    if (reference === undefined) throw cause;
    throw unavailable(reference, `cannot serve '${reference}': there is no such directory, and no pipeline here to resolve it as a model reference or revision in`, cause);
  }
  if (reference === undefined) return workspaceArtifact(root, DEFAULT_ARTIFACT, `the workspace's '${DEFAULT_ARTIFACT}' artifact`);
  const parsed = parseModelReference(reference);
  if (parsed) {
    const { readRegistry, resolveModelReference } = await import('../runner/index.js');
    const found = resolveModelReference(await readRegistry(root), parsed);
    if (!found || 'problem' in found) throw unavailable(reference, `cannot serve ${reference}: ${found?.problem ?? 'not a model reference'}; 'pipe model show' lists the registry`);
    return atCommit(root, reference, { name: found.artifact, commit: found.commit, version: found.version, stage: found.stage, source: 'registry' });
  }
  const { resolveRevision } = await import('../runner/index.js');
  const rev = await resolveRevision(root, reference).catch((cause: unknown) => {
    throw unavailable(reference, `cannot serve '${reference}': it is not a directory, a model reference (churn#prod, churn@v1.2.0, churn@latest) or a git revision`, cause);
  });
  if (rev.commit === undefined) return workspaceArtifact(root, DEFAULT_ARTIFACT, `the workspace's '${DEFAULT_ARTIFACT}' artifact`);
  return atCommit(root, reference, { name: DEFAULT_ARTIFACT, commit: rev.commit, source: 'revision' });
}

/** The artifact's path as the workspace's pipeline declares it. */
async function artifactPath(root: string, name: string, reference: string): Promise<RepoPath> {
  const { pipelineAt, WORKSPACE } = await import('../runner/index.js');
  const pipeline = await pipelineAt(root, { name: WORKSPACE });
  const artifacts = pipeline.state === 'found' ? pipeline.declared.artifacts : new Map<string, RepoPath>();
  const path = artifacts.get(name);
  if (path === undefined) {
    const known = [...artifacts.keys()];
    throw unavailable(reference, `no artifact '${name}' under 'artifacts:' in the pipeline file of ${root}${known.length ? ` (declared: ${known.join(', ')})` : ''}; name a model package directory instead: pipe serve DIR`);
  }
  return path;
}

async function workspaceArtifact(root: string, name: string, what: string): Promise<ServedModel> {
  const path = await artifactPath(root, name, name);
  const dir = join(root, path);
  if (!existsSync(dir)) {
    throw unavailable(name, `${what} (${path}) is not in the workspace; get it with 'pipe checkout ${path}' (after 'pipe pull' on a fresh clone) or train it with 'pipe repro'`);
  }
  const { readLock, resolveRevision, readLockAtRevision, lockedEntry, workspaceHash } = await import('../runner/index.js');
  const hash = lockedEntry(await readLock({ root }), path)?.hash;
  const actual = hash === undefined ? undefined : await workspaceHash(root, path);
  if (hash !== undefined && actual !== hash) return { dir, name, source: 'workspace', root, path, ...(actual ? { hash: actual } : {}), modified: true };
  // The workspace model is HEAD's when HEAD's data.lock records the same hash.
  const head = await resolveRevision(root, 'HEAD').catch(() => undefined);
  const headHash = head?.commit ? lockedEntry(await readLockAtRevision(root, head.commit).catch(() => ({ schema: 1, stages: {}, data: {} }) as Lock), path)?.hash : undefined;
  return { dir, name, source: 'workspace', root, path, ...(hash ? { hash } : {}), ...(head?.commit && hash && headHash === hash ? { commit: head.commit } : {}) };
}

/**
 * A model recorded at `commit`: served from the workspace when the workspace holds that very
 * artifact, else written (as `pipe model get` writes it: objects from the cache, only the missing
 * ones fetched from the remote, every file verified) to a new temporary directory, served from
 * there and removed when the service stops.
 */
async function atCommit(root: string, reference: string, want: { name: string; commit: string; version?: string; stage?: string; source: ModelSource }): Promise<ServedModel> {
  const { readLock, readLockAtRevision, exportPath, lockedEntry, workspaceHash } = await import('../runner/index.js');
  const path = await artifactPath(root, want.name, reference);
  const hash = lockedEntry(await readLockAtRevision(root, want.commit), path)?.hash;
  const short = want.commit.slice(0, 7);
  if (!hash) throw unavailable(reference, `${reference} points to commit ${short}, whose data.lock records no ${path}`);
  const here = lockedEntry(await readLock({ root }), path)?.hash;
  let dir = join(root, path);
  // The workspace's files serve only when they are that very artifact: recorded by data.lock, and not edited or replaced since.
  if (here !== hash || !existsSync(dir) || (await workspaceHash(root, path)) !== hash) {
    dir = join(mkdtempSync(join(tmpdir(), 'pipe-serve-')), basename(path));
    const what = want.version ? `${want.name}@${want.version}` : `${path} at ${short}`;
    await exportPath({ root, path, hash, dest: dir, what, command: 'pipe serve' }).catch((error: unknown) => {
      rmSync(dirname(dir), { recursive: true, force: true });
      throw error;
    });
  }
  return { dir, ...(dir === join(root, path) ? {} : { fetched: true }), name: want.name, source: want.source, root, path, hash, commit: want.commit, ...(want.version ? { version: want.version } : {}), ...(want.stage ? { stage: want.stage } : {}) };
}

/** Removes the temporary directory a fetched version was written to (nothing for a workspace or directory model). */
export function removeFetched(model: ServedModel): void {
  if (model.fetched) rmSync(dirname(model.dir), { recursive: true, force: true });
}
