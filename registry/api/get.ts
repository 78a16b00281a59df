/** @module `pipe model get`: a model reference → its tag's commit → the artifact's path and hash in that commit's data.lock → its files, written to a directory. */
import { basename, resolve } from 'node:path';
import { PipeError } from '../../runner/command/index.js';
import type { Exported } from '../../runner/index.js';
import { artifactAt } from './artifact-at.js';

export interface GetOptions {
  readonly root: string;
  /** Where a relative `output` is, and where the default output goes. */
  readonly cwd: string;
  /** NAME (its latest version), NAME@vX.Y.Z, NAME@latest, NAME@greatest or NAME#STAGE. */
  readonly reference: string;
  /** Default: the artifact path's last part, in `cwd` (as `dvc artifacts get` does). */
  readonly output?: string;
  readonly force?: boolean;
  /** The remote to fetch missing objects from (default: the default remote). */
  readonly remote?: string;
}

export interface Got extends Exported {
  readonly name: string;
  readonly version: string;
  readonly stage?: string;
  readonly commit: string;
  /** The artifact's path in the repository. */
  readonly path: string;
  readonly hash: string;
  /** The directory (or file) written, absolute. */
  readonly output: string;
}

export async function getModel(o: GetOptions): Promise<Got> {
  const r = await import('../../runner/index.js');
  // A bare NAME is its latest version, as in `gto show NAME` and `dvc artifacts get`.
  const ref = r.parseModelReference(o.reference) ?? r.parseModelReference(`${o.reference}@latest`);
  if (!ref) {
    throw new PipeError('MODEL_UNKNOWN', `'${o.reference}' is not a model reference: write NAME, NAME@vX.Y.Z, NAME@latest, NAME@greatest or NAME#STAGE (e.g. churn#prod)`, { reference: o.reference });
  }
  const resolved = r.resolveModelReference(await r.readRegistry(o.root), ref);
  if (!resolved || 'problem' in resolved) throw new PipeError('MODEL_UNKNOWN', resolved?.problem ?? `'${o.reference}' names nothing in the registry`, { reference: o.reference });
  const what = `${resolved.artifact}@${resolved.version}`;
  const rev = { name: `${what}'s commit ${resolved.commit.slice(0, 7)}`, commit: resolved.commit };
  const artifact = await artifactAt(o.root, resolved.artifact, rev, {
    command: 'model get',
    unlocked: `that version has nothing to get; register a commit whose data.lock holds it (pipe model register ${resolved.artifact} REV)`,
  });
  const output = resolve(o.cwd, o.output ?? basename(artifact.path));
  const exported = await r.exportPath({ root: o.root, path: artifact.path, hash: artifact.hash, size: artifact.size, dest: output, destByDefault: o.output === undefined, force: o.force, remote: o.remote, what, command: 'pipe model get' });
  return {
    name: resolved.artifact,
    version: resolved.version,
    ...(resolved.stage ? { stage: resolved.stage } : {}),
    commit: resolved.commit,
    path: artifact.path,
    hash: artifact.hash,
    output,
    ...exported,
  };
}
