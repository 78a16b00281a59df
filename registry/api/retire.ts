/**
 * @module `pipe model deregister|unassign|deprecate`: GTO's cancelling tags. `churn@v1.2.0!`
 * deregisters a version, `churn#prod!#N` takes a stage from a version, `churn@deprecated#N`
 * retires the artifact. Like every registry write, a new annotated tag: nothing is deleted.
 */
import { PipeError } from '../../runner/command/index.js';
import type { ArtifactState, VersionState } from '../../runner/index.js';
import { artifactIn, modelUnknown, refused, writeRegistryTag } from './registry-tag.js';

interface TagWrite {
  readonly root: string;
  readonly name: string;
  readonly message?: string;
  readonly push?: boolean;
}

export interface Retired {
  readonly tag: string;
  readonly commit: string;
  readonly version?: string;
  readonly stage?: string;
  /** After an unassign: the version holding the stage now (the one assigned it before, if it still holds it). */
  readonly nowHeldBy?: string;
  readonly pushed: boolean;
}

export async function deregisterVersion(o: TagWrite & { readonly version: string }): Promise<Retired> {
  const { isVersion } = await import('../../runner/index.js');
  if (!isVersion(o.version)) throw new PipeError('USAGE', `'${o.version}' is not a version: write vMAJOR.MINOR.PATCH (SemVer 2, e.g. v1.2.0)`, { command: 'model deregister' });
  const artifact = await artifactOrThrow(o.root, o.name);
  const v = versionOrThrow(artifact, o.version);
  if (!v.active) throw refused(`${o.name}@${v.version} is deregistered already`);
  return writeTag(o, artifact, { artifact: o.name, action: 'deregister', version: v.version }, v);
}

/** Takes `stage` from `version`, by default from the version holding it now. */
export async function unassignStage(o: TagWrite & { readonly stage: string; readonly version?: string }): Promise<Retired> {
  const { isStageName } = await import('../../runner/index.js');
  if (!isStageName(o.stage)) throw new PipeError('USAGE', `'${o.stage}' is not a stage name: use lowercase letters, digits, '-' and '/' (GTO's names)`, { command: 'model unassign', flag: '--stage' });
  const artifact = await artifactOrThrow(o.root, o.name);
  const holders = artifact.stages.get(o.stage) ?? [];
  const holder = o.version === undefined ? holders[0] : holders.find((h) => h.version === o.version);
  if (!holder) {
    const who = o.version === undefined ? `no version of ${o.name}` : `${o.name}@${o.version}`;
    throw refused(`${who} holds '${o.stage}'${holders.length ? ` (held by: ${holders.map((h) => h.version).join(', ')})` : ''}: nothing to unassign`);
  }
  const v = artifact.versions.find((x) => x.version === holder.version);
  const written = await writeTag(o, artifact, { artifact: o.name, action: 'unassign', stage: o.stage, counter: artifact.maxCounter + 1 }, v ?? { version: holder.version, commit: holder.commit });
  const now = holders.find((h) => h !== holder);
  return { ...written, ...(now ? { nowHeldBy: now.version } : {}) };
}

export async function deprecateArtifact(o: TagWrite): Promise<Retired> {
  const artifact = await artifactOrThrow(o.root, o.name);
  if (artifact.deprecated) throw refused(`${o.name} is deprecated already`);
  // On the commit of the artifact's newest event, as GTO puts it.
  const commit = artifact.events.at(-1)?.commit as string;
  return writeTag(o, artifact, { artifact: o.name, action: 'deprecate', counter: artifact.maxCounter + 1 }, { commit });
}

async function writeTag(
  o: TagWrite,
  artifact: ArtifactState,
  parsed: { artifact: string; action: 'deregister' | 'unassign' | 'deprecate'; version?: string; stage?: string; counter?: number },
  on: { readonly version?: string; readonly commit: string },
): Promise<Retired> {
  const { tag, pushed } = await writeRegistryTag(o.root, parsed, { commit: on.commit, ...(on.version ? { version: on.version } : {}), ...(o.message === undefined ? {} : { message: o.message }), push: o.push ?? false, lastAt: artifact.events.at(-1)?.at });
  return { tag, commit: on.commit, ...(on.version ? { version: on.version } : {}), ...(parsed.stage ? { stage: parsed.stage } : {}), pushed };
}

async function artifactOrThrow(root: string, name: string): Promise<ArtifactState> {
  const { readRegistry } = await import('../../runner/index.js');
  return artifactIn(await readRegistry(root), name);
}

function versionOrThrow(a: ArtifactState, version: string): VersionState {
  const v = a.versions.find((x) => x.version === version);
  if (v) return v;
  throw modelUnknown(`${a.name}@${version}`, `${a.name} has no version ${version} (registered: ${a.versions.map((x) => (x.active ? x.version : `${x.version} (deregistered)`)).join(', ') || 'none'})`);
}
