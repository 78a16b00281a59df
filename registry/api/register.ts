/** @module `pipe model register`: a new version of an artifact, as GTO's `NAME@vX.Y.Z` annotated tag on a commit whose data.lock holds the artifact. */
import { PipeError } from '../../runner/command/index.js';
import { artifactAt, lockedEntry } from './artifact-at.js';

export interface RegisterOptions {
  readonly root: string;
  readonly name: string;
  /** The commit to register (default HEAD). */
  readonly rev?: string;
  readonly version?: string;
  readonly bump?: 'major' | 'minor' | 'patch';
  readonly message?: string;
  readonly push?: boolean;
}

export interface Registered {
  readonly tag: string;
  readonly version: string;
  readonly commit: string;
  readonly path: string;
  /** The artifact's hash in data.lock at the commit. */
  readonly hash: string;
  readonly pushed: boolean;
}

export async function registerVersion(o: RegisterOptions): Promise<Registered> {
  const r = await import('../../runner/index.js');
  if (!r.isArtifactName(o.name)) throw new PipeError('MODEL_UNKNOWN', `'${o.name}' is not an artifact name: use lowercase letters, digits, '-' and '/', starting and ending with a letter or digit (GTO's names)`, { reference: o.name });
  if (o.version !== undefined && o.bump !== undefined) throw new PipeError('USAGE', 'choose --version or --bump, not both (pipe model register)', { command: 'model register', flag: '--bump' });
  if (o.version !== undefined && !r.isVersion(o.version)) throw new PipeError('USAGE', `--version '${o.version}' is not a version: write vMAJOR.MINOR.PATCH (SemVer 2, e.g. v1.2.0 or v1.3.0-rc.1)`, { command: 'model register', flag: '--version' });
  const rev = await r.resolveRevision(o.root, o.rev ?? 'HEAD');
  if (!rev.commit) throw new PipeError('USAGE', 'register a commit, not the workspace: commit data.lock first', { command: 'model register' });
  const { path, hash } = await artifactAt(o.root, o.name, rev, { command: 'model register', unlocked: 'run pipe repro and commit data.lock, then register that commit' });
  const registry = await r.readRegistry(o.root);
  const artifact = registry.get(o.name);
  const active = artifact?.versions.filter((v) => v.active) ?? [];
  const atCommit = active.find((v) => v.commit === rev.commit);
  if (atCommit) throw new PipeError('USAGE', `${o.name}@${atCommit.version} is already registered at ${rev.name} (${rev.commit.slice(0, 7)})`, { command: 'model register' });
  for (const v of [...active].reverse()) {
    const held = lockedEntry(await r.readLockAtRevision(o.root, v.commit), path)?.hash;
    if (held === hash) throw new PipeError('USAGE', `the content of ${path} at ${rev.name} (${hash}) is already registered as ${o.name}@${v.version} (${v.commit.slice(0, 7)}): nothing new to register`, { command: 'model register' });
  }
  const latest = artifact?.latest?.version;
  const version = o.version ?? (o.bump || latest ? r.bumpVersion(latest, o.bump ?? 'patch') : 'v0.0.1');
  if (artifact?.versions.some((v) => v.version === version)) throw new PipeError('USAGE', `${o.name}@${version} exists already (registered: ${artifact.versions.map((v) => v.version).join(', ')}); choose another --version`, { command: 'model register', flag: '--version' });
  const parsed = { artifact: o.name, action: 'register', version } as const;
  const tag = r.formatTagName(parsed);
  const tagger = await r.taggerIdentity(o.root);
  await r.createAnnotatedTag(o.root, { name: tag, commit: rev.commit, message: o.message ?? r.defaultTagMessage(parsed), tagger });
  if (o.push) await r.pushTag(o.root, tag);
  return { tag, version, commit: rev.commit, path, hash, pushed: Boolean(o.push) };
}
