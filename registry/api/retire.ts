/**
 * @module `pipe model deregister|unassign|deprecate`: GTO's cancelling tags. `churn@v1.2.0!`
 * deregisters a version, `churn#prod!#N` takes a stage from a version, `churn@deprecated#N`
 * retires the artifact. Like every registry write, a new annotated tag: nothing is deleted.
 */
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
  readonly pushed: boolean;
}

export async function deregisterVersion(o: TagWrite & { readonly version: string }): Promise<Retired> {
  const artifact = await artifactOrThrow(o.root, o.name);
  const v = versionOrThrow(artifact, o.version);
  if (!v.active) throw refused(`${o.name}@${v.version} is deregistered already`);
  return writeTag(o, { artifact: o.name, action: 'deregister', version: v.version }, v);
}

/** Takes `stage` from `version`, by default from the version holding it now. */
export async function unassignStage(o: TagWrite & { readonly stage: string; readonly version?: string }): Promise<Retired> {
  const artifact = await artifactOrThrow(o.root, o.name);
  const holders = artifact.stages.get(o.stage) ?? [];
  const holder = o.version === undefined ? holders[0] : holders.find((h) => h.version === o.version);
  if (!holder) {
    const who = o.version === undefined ? `no version of ${o.name}` : `${o.name}@${o.version}`;
    throw refused(`${who} holds '${o.stage}'${holders.length ? ` (held by: ${holders.map((h) => h.version).join(', ')})` : ''}: nothing to unassign`);
  }
  const v = artifact.versions.find((x) => x.version === holder.version);
  return writeTag(o, { artifact: o.name, action: 'unassign', stage: o.stage, counter: artifact.maxCounter + 1 }, v ?? { version: holder.version, commit: holder.commit });
}

export async function deprecateArtifact(o: TagWrite): Promise<Retired> {
  const artifact = await artifactOrThrow(o.root, o.name);
  if (artifact.deprecated) throw refused(`${o.name} is deprecated already`);
  // GTO puts the tag on the commit of the latest version (or of the last event when none is left).
  const at = artifact.latest ?? artifact.versions.at(-1);
  const commit = at?.commit ?? (artifact.events.at(-1)?.commit as string);
  return writeTag(o, { artifact: o.name, action: 'deprecate', counter: artifact.maxCounter + 1 }, { commit });
}

async function writeTag(
  o: TagWrite,
  parsed: { artifact: string; action: 'deregister' | 'unassign' | 'deprecate'; version?: string; stage?: string; counter?: number },
  on: { readonly version?: string; readonly commit: string },
): Promise<Retired> {
  const { tag, pushed } = await writeRegistryTag(o.root, parsed, { commit: on.commit, ...(on.version ? { version: on.version } : {}), ...(o.message === undefined ? {} : { message: o.message }), push: o.push ?? false });
  return { tag, commit: on.commit, ...(on.version ? { version: on.version } : {}), ...(parsed.stage ? { stage: parsed.stage } : {}), pushed };
}

async function artifactOrThrow(root: string, name: string): Promise<ArtifactState> {
  const { readRegistry } = await import('../../runner/index.js');
  return artifactIn(await readRegistry(root), name);
}

function versionOrThrow(a: ArtifactState, version: string): VersionState {
  const v = a.versions.find((x) => x.version === version);
  if (v) return v;
  throw modelUnknown(`${a.name}@${version}`, `${a.name} has no version ${version} (registered: ${a.versions.map((x) => x.version).join(', ') || 'none'})`);
}
