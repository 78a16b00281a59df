/** @module `pipe model register`: a new version of an artifact, as GTO's `NAME@vX.Y.Z` annotated tag on a commit whose data.lock holds the artifact. */
import { PipeError } from '../../runner/command/index.js';
import type { VersionState } from '../../runner/index.js';
import { autoVersion } from '../bump-from-commits.js';
import { artifactAt } from './artifact-at.js';
import { writeRegistryTag } from './registry-tag.js';

export interface RegisterOptions {
  readonly root: string;
  readonly name: string;
  /** The commit to register (default HEAD). */
  readonly rev?: string;
  readonly version?: string;
  /** 'auto': from the commit messages since the latest version (bump-from-commits.ts). */
  readonly bump?: 'major' | 'minor' | 'patch' | 'auto';
  readonly message?: string;
  readonly push?: boolean;
  /**
   * When REV's content is registered already (at REV, or under another version): return that
   * version, with `created: false`, instead of refusing. What CI runs on every merge.
   */
  readonly ifChanged?: boolean;
}

export interface Registered {
  readonly tag: string;
  readonly version: string;
  readonly commit: string;
  readonly path: string;
  /** The artifact's hash in data.lock at the commit. */
  readonly hash: string;
  readonly pushed: boolean;
  /** False when `ifChanged` found the content registered already: then the tag, version and commit are that version's. */
  readonly created: boolean;
}

export async function registerVersion(o: RegisterOptions): Promise<Registered> {
  const r = await import('../../runner/index.js');
  if (!r.isArtifactName(o.name)) throw new PipeError('MODEL_UNKNOWN', `'${o.name}' is not an artifact name: use lowercase letters, digits, '-' and '/', starting and ending with a letter or digit (GTO's names), never '//', at most 200 characters (a git tag holds it)`, { reference: o.name });
  if (o.version !== undefined && o.bump !== undefined) throw new PipeError('USAGE', 'choose --version or --bump, not both (pipe model register)', { command: 'model register', flag: '--bump' });
  if (o.version !== undefined && !r.isVersion(o.version)) throw new PipeError('USAGE', `--version '${o.version}' is not a version: write vMAJOR.MINOR.PATCH (SemVer 2, e.g. v1.2.0 or v1.3.0-rc.1)`, { command: 'model register', flag: '--version' });
  const rev = await r.resolveRevision(o.root, o.rev ?? 'HEAD');
  if (!rev.commit) throw new PipeError('USAGE', 'register a commit, not the workspace: commit data.lock first', { command: 'model register' });
  const { path, hash } = await artifactAt(o.root, o.name, rev, { command: 'model register', unlocked: 'run pipe repro and commit data.lock, then register that commit' });
  const registry = await r.readRegistry(o.root);
  const artifact = registry.get(o.name);
  const active = artifact?.versions.filter((v) => v.active) ?? [];
  const found = await registeredAlready(o.root, o.name, active, { rev, path, hash });
  if (found && o.ifChanged) return { tag: r.formatTagName({ artifact: o.name, action: 'register', version: found.v.version }), version: found.v.version, commit: found.v.commit, path, hash, pushed: false, created: false };
  if (found) throw new PipeError('USAGE', found.why, { command: 'model register' });
  // Bumped from the highest version ever registered: a deregistered one keeps its number taken.
  const highest = artifact?.versions.at(-1)?.version;
  const version =
    o.version ?? (o.bump === 'auto' ? (await autoVersion(o.root, artifact, rev.commit)).version : o.bump || highest ? r.bumpVersion(highest, o.bump ?? 'patch') : 'v0.0.1');
  if (artifact?.versions.some((v) => v.version === version)) throw new PipeError('USAGE', `${o.name}@${version} exists already (registered: ${artifact.versions.map((v) => (v.active ? v.version : `${v.version} (deregistered)`)).join(', ')}); choose another --version`, { command: 'model register', flag: '--version' });
  const written = await writeRegistryTag(o.root, { artifact: o.name, action: 'register', version }, { commit: rev.commit, ...(o.message === undefined ? {} : { message: o.message }), push: o.push ?? false, lastAt: artifact?.events.at(-1)?.at });
  return { ...written, version, commit: rev.commit, path, hash, created: true };
}

/** The active version already registered at the revision, else the newest one with the same content, and why it counts as registered. */
async function registeredAlready(
  root: string,
  name: string,
  active: readonly VersionState[],
  at: { rev: { name: string; commit?: string }; path: string; hash: string },
): Promise<{ v: VersionState; why: string } | undefined> {
  const r = await import('../../runner/index.js');
  const atCommit = active.find((v) => v.commit === at.rev.commit);
  if (atCommit) return { v: atCommit, why: `${name}@${atCommit.version} is already registered at ${at.rev.name} (${at.rev.commit?.slice(0, 7)})` };
  for (const v of [...active].reverse()) {
    const held = r.lockedEntry(await r.readLockAtRevision(root, v.commit), at.path)?.hash;
    if (held === at.hash) return { v, why: `the content of ${at.path} at ${at.rev.name} (${at.hash}) is already registered as ${name}@${v.version} (${v.commit.slice(0, 7)}): nothing new to register` };
  }
  return undefined;
}
