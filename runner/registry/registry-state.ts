/** @module The model registry as the repository's annotated tags say it is: each artifact's versions, which version holds which stage since when, and every event, in time order (GTO's reading). */
import { listAnnotatedTags, type AnnotatedTag } from '../git/list-tags.js';
import { compareVersions, parseModelReference, parseTagName, type ModelReference, type ParsedTag } from './tag-name.js';

export interface RegistryEvent extends ParsedTag {
  readonly tag: string;
  readonly commit: string;
  /** Seconds since the epoch (the tagger's date). */
  readonly at: number;
  readonly by: { readonly name: string; readonly email: string };
  readonly message: string;
  /** For assign and unassign: the version registered at the tag's commit, or the commit itself when none is. */
  readonly versionAtCommit?: string;
}

export interface VersionState {
  readonly version: string;
  readonly commit: string;
  readonly registeredAt: number;
  readonly by: RegistryEvent['by'];
  /** False once deregistered: it holds no stage and no reference resolves to it. */
  readonly active: boolean;
  /** Stages this version holds now. */
  readonly stages: readonly string[];
}

export interface StageHolder {
  readonly stage: string;
  readonly version: string;
  readonly commit: string;
  /** When this version was (last) assigned the stage. */
  readonly since: number;
  readonly by: RegistryEvent['by'];
  readonly tag: string;
}

export interface ArtifactState {
  readonly name: string;
  readonly deprecated: boolean;
  /** Registered versions, lowest SemVer first. */
  readonly versions: readonly VersionState[];
  /** The highest active registered version. */
  readonly latest?: VersionState;
  /** Per stage, the versions assigned to it now, the most recently assigned first (the first holds it). */
  readonly stages: ReadonlyMap<string, readonly StageHolder[]>;
  /** Every event, oldest first. */
  readonly events: readonly RegistryEvent[];
  /** The highest counter over the artifact's tags, lightweight ones too (0 when none): the next assign tag takes this + 1. */
  readonly maxCounter: number;
}

export type Registry = ReadonlyMap<string, ArtifactState>;

/** Reads the registry from the tags of the repository holding `root` (none: an empty registry). */
export async function readRegistry(root: string): Promise<Registry> {
  // Each name is parsed once: the listing's filter keeps what it parsed for the build.
  const parsed = new Map<string, ParsedTag>();
  const tags = await listAnnotatedTags(root, (name) => {
    const p = parseTagName(name);
    if (p) parsed.set(name, p);
    return p !== undefined;
  });
  // A lightweight tag is not an event, but its name is taken: counters must not collide with it.
  const annotated = new Set(tags.map((t) => t.name));
  return buildRegistry(tags, [...parsed.keys()].filter((n) => !annotated.has(n)), (name) => parsed.get(name));
}

/**
 * The registry that these annotated tags make, with GTO's rules: versions come from every
 * register and deregister tag first, then stage events replay in tagger-date order (a counter
 * breaking ties) on the versions registered at their commits. `otherNames`: registry tag names
 * that are not annotated tags, counted for the next counter only.
 */
export function buildRegistry(tags: readonly AnnotatedTag[], otherNames: readonly string[] = [], parse: (name: string) => ParsedTag | undefined = parseTagName): Registry {
  const events: RegistryEvent[] = [];
  for (const t of tags) {
    const parsed = parse(t.name);
    if (!parsed) continue;
    events.push({ ...parsed, tag: t.name, commit: t.commit, at: t.tagger.timestamp, by: { name: t.tagger.name, email: t.tagger.email }, message: t.message.trimEnd() });
  }
  events.sort((a, b) => a.at - b.at || (a.counter ?? -1) - (b.counter ?? -1) || (a.tag < b.tag ? -1 : a.tag > b.tag ? 1 : 0));
  const byArtifact = new Map<string, RegistryEvent[]>();
  for (const e of events) {
    const list = byArtifact.get(e.artifact) ?? [];
    list.push(e);
    byArtifact.set(e.artifact, list);
  }
  const otherCounters = new Map<string, number>();
  for (const n of otherNames) {
    const p = parse(n);
    if (p?.counter !== undefined) otherCounters.set(p.artifact, Math.max(otherCounters.get(p.artifact) ?? 0, p.counter));
  }
  const registry = new Map<string, ArtifactState>();
  for (const [name, list] of byArtifact) registry.set(name, artifactState(name, list, otherCounters.get(name) ?? 0));
  return registry;
}

function artifactState(name: string, raw: readonly RegistryEvent[], otherCounter: number): ArtifactState {
  const versions = new Map<string, { version: string; commit: string; registeredAt: number; by: RegistryEvent['by']; active: boolean }>();
  /** The version registered at each commit, the latest registration winning (deregistered ones too: history names them). */
  const versionOfCommit = new Map<string, string>();
  let maxCounter = otherCounter;
  // Versions first (GTO reads register and deregister tags before any stage tag).
  for (const e of raw) {
    maxCounter = Math.max(maxCounter, e.counter ?? 0);
    if (e.action === 'register' && e.version) {
      // A version is registered once (GTO refuses a second registration): a later tag of it, made by hand on another
      // commit, would otherwise move the version there without a word.
      if (versions.has(e.version)) continue;
      versions.set(e.version, { version: e.version, commit: e.commit, registeredAt: e.at, by: e.by, active: true });
      versionOfCommit.set(e.commit, e.version); // registered again after a deregister: the newer version
    } else if (e.action === 'deregister' && e.version) {
      const v = versions.get(e.version);
      if (v) versions.set(e.version, { ...v, active: false });
    }
  }
  /** stage → version → its last assign event, or undefined after an unassign. */
  const assigned = new Map<string, Map<string, RegistryEvent | undefined>>();
  const events: RegistryEvent[] = [];
  for (const e of raw) {
    if ((e.action === 'assign' || e.action === 'unassign') && e.stage) {
      const version = versionOfCommit.get(e.commit) ?? e.commit;
      const withVersion = { ...e, versionAtCommit: version };
      const stage = assigned.get(e.stage) ?? new Map<string, RegistryEvent | undefined>();
      assigned.set(e.stage, stage);
      // Re-assigning moves the version to the front: delete first, so insertion order is assignment order.
      stage.delete(version);
      stage.set(version, e.action === 'assign' ? withVersion : undefined);
      events.push(withVersion);
    } else events.push(e);
  }
  // A deregistered version holds no stage (GTO: only active versions are in a stage).
  const active = (version: string) => versions.get(version)?.active ?? true;
  const stages = new Map<string, StageHolder[]>();
  for (const [stage, byVersion] of assigned) {
    const holders: StageHolder[] = [];
    for (const [version, e] of byVersion) if (e && active(version)) holders.unshift({ stage, version, commit: e.commit, since: e.at, by: e.by, tag: e.tag });
    if (holders.length) stages.set(stage, holders);
  }
  const held = (version: string) => [...stages].filter(([, hs]) => hs[0]?.version === version).map(([s]) => s);
  const list = sortVersions([...versions.values()]).map((v) => ({ ...v, stages: held(v.version) }));
  const latest = [...list].reverse().find((v) => v.active);
  // Deprecated while the newest event is the deprecation: registering again brings it back (GTO's is_active).
  const deprecated = raw.at(-1)?.action === 'deprecate';
  return { name, deprecated, versions: list, ...(latest ? { latest } : {}), stages, events, maxCounter };
}

/** Lowest SemVer first; plain X.Y.Z versions (nearly all) compare as numbers, without re-parsing each comparison. */
function sortVersions<T extends { version: string }>(vs: T[]): T[] {
  const plain = /^v(\d+)\.(\d+)\.(\d+)$/;
  const keyed = vs.map((v) => ({ v, m: plain.exec(v.version) }));
  return keyed
    .sort((a, b) => (a.m && b.m ? Number(a.m[1]) - Number(b.m[1]) || Number(a.m[2]) - Number(b.m[2]) || Number(a.m[3]) - Number(b.m[3]) : compareVersions(a.v.version, b.v.version)))
    .map((k) => k.v);
}

export interface ResolvedModel {
  readonly artifact: string;
  readonly version: string;
  readonly commit: string;
  /** The stage asked for, when the reference named one. */
  readonly stage?: string;
}

/**
 * What a model reference (`churn@v1.2.0`, `churn@latest`, `churn@greatest`, `churn#prod`) points
 * to; a string that is not one is undefined; one that is but names nothing gives `problem`.
 */
export function resolveModelReference(registry: Registry, ref: string | ModelReference): ResolvedModel | { problem: string } | undefined {
  const r = typeof ref === 'string' ? parseModelReference(ref) : ref;
  if (!r) return undefined;
  const a = registry.get(r.artifact);
  if (!a) return { problem: `no artifact '${r.artifact}' in the registry (no tag names it${registry.size ? `; known: ${[...registry.keys()].sort().join(', ')}` : ''})` };
  if (r.stage) {
    const h = a.stages.get(r.stage)?.[0];
    if (!h) return { problem: `no version of '${r.artifact}' is in stage '${r.stage}'` };
    return { artifact: a.name, version: h.version, commit: h.commit, stage: r.stage };
  }
  if (r.version === 'latest' || r.version === 'greatest' || r.version === undefined) {
    if (!a.latest) return { problem: `'${r.artifact}' has no registered version` };
    return { artifact: a.name, version: a.latest.version, commit: a.latest.commit };
  }
  const v = a.versions.find((x) => x.version === r.version);
  if (!v) return { problem: `'${r.artifact}' has no version ${r.version}${a.versions.length ? ` (registered: ${a.versions.map((x) => (x.active ? x.version : `${x.version} (deregistered)`)).join(', ')})` : ''}` };
  if (!v.active) return { problem: `${r.artifact}@${r.version} was deregistered` };
  return { artifact: a.name, version: v.version, commit: v.commit };
}
