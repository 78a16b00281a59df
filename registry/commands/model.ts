/** @module `pipe model show|history`: the registry that the repository's GTO tags make. */
import { PipeError, defineCommand, defineGroup, findRoot } from '../../runner/command/index.js';
import type { ArtifactState, Registry, RegistryEvent } from '../../runner/index.js';
import { isoTime } from '../iso-time.js';
import { get } from './model-get.js';

/** What every command that writes a tag takes. */
const TAG_WRITE = {
  message: { type: 'string', short: 'm', valueName: 'MSG', help: "the tag's message (default GTO's)" },
  push: { type: 'boolean', help: "push the tag to the git remote 'origin'" },
} as const;
const NAME_AND_REV = [
  { name: 'name', valueName: 'NAME', required: true },
  { name: 'rev', valueName: 'REV' },
] as const;

const FORMAT = {
  json: { type: 'boolean', help: 'print JSON' },
  md: { type: 'boolean', help: 'print a Markdown table' },
} as const;

const show = defineCommand({
  name: 'show',
  summary: 'each artifact’s latest version and the version holding each stage; with NAME, its versions',
  description: `
Reads the registry from the repository's annotated git tags, in GTO's format (churn@v1.2.0
registers a version, churn#prod#3 assigns a stage; lightweight tags are ignored, as GTO
ignores them). Without NAME: one row per artifact with its latest version (the highest
registered SemVer) and, per stage, the version holding it (the one assigned most recently and
not unassigned since). With NAME: one row per version, highest first, with the stages it
holds, its commit, when and by whom it was registered. Exits 2 for an unknown NAME.`,
  options: { ...FORMAT },
  positionals: [{ name: 'name', valueName: 'NAME' }],
  async run({ options, args, io }) {
    const { readRegistry, renderTable } = await import('../../runner/index.js');
    const registry = await readRegistry(findRoot(io.cwd));
    const one = args.name === undefined ? undefined : artifactOrThrow(registry, args.name);
    const artifacts = one ? [one] : [...registry.values()].sort((a, b) => a.name.localeCompare(b.name));
    if (options.json) {
      io.out(`${JSON.stringify({ artifacts: artifacts.map(artifactJson) }, null, 2)}\n`);
      return;
    }
    const markdown = Boolean(options.md);
    if (one) {
      const rows = [...one.versions].reverse().map((v) => [v.version, v.stages.join(', ') || '—', v.commit.slice(0, 7), isoTime(v.registeredAt), v.by.name, v.active ? '' : 'deregistered']);
      io.out(renderTable(['Version', 'Stages', 'Commit', 'Registered', 'By', 'Note'], rows, { markdown }));
      return;
    }
    if (artifacts.length === 0) {
      io.err('No model registered: no tag in GTO’s format (NAME@vX.Y.Z, NAME#STAGE#N) in this repository.\n');
      return;
    }
    const stages = stageOrder(artifacts);
    const rows = artifacts.map((a) => [a.deprecated ? `${a.name} (deprecated)` : a.name, a.latest?.version ?? '—', ...stages.map((s) => a.stages.get(s)?.[0]?.version ?? '—')]);
    io.out(renderTable(['Name', 'Latest', ...stages.map((s) => `#${s}`)], rows, { markdown }));
  },
});

const history = defineCommand({
  name: 'history',
  summary: 'every register, assign, unassign, deregister and deprecate event, oldest first, with who and the commit',
  description: `
The audit trail of the registry: one row per registry tag, in the order GTO reads them (the
tagger's date, then the tag's counter): when, the artifact, the event, the version, the stage,
the commit the tag points to, who made the tag (its tagger) and the tag itself. With NAME,
only that artifact's events. Exits 2 for an unknown NAME.`,
  options: { ...FORMAT },
  positionals: [{ name: 'name', valueName: 'NAME' }],
  async run({ options, args, io }) {
    const { readRegistry, renderTable } = await import('../../runner/index.js');
    const registry = await readRegistry(findRoot(io.cwd));
    const artifacts = args.name === undefined ? [...registry.values()] : [artifactOrThrow(registry, args.name)];
    const events = artifacts.flatMap((a) => a.events).sort((x, y) => x.at - y.at || (x.counter ?? -1) - (y.counter ?? -1));
    if (options.json) {
      io.out(`${JSON.stringify({ events: events.map(eventJson) }, null, 2)}\n`);
      return;
    }
    const rows = events.map((e) => [isoTime(e.at), e.artifact, e.action, e.versionAtCommit ?? e.version ?? '—', e.stage ?? '—', e.commit.slice(0, 7), e.by.name, e.tag]);
    io.out(renderTable(['When', 'Artifact', 'Event', 'Version', 'Stage', 'Commit', 'By', 'Tag'], rows, { markdown: Boolean(options.md) }));
  },
});

const register = defineCommand({
  name: 'register',
  summary: 'register a new version of an artifact: an annotated tag NAME@vX.Y.Z on a commit whose data.lock holds it',
  description: `
Registers the artifact NAME (declared under 'artifacts:' in pipeline.yaml) as it is at REV
(default HEAD): the tag NAME@vX.Y.Z, annotated, with GTO's message ("Registering artifact NAME
version vX.Y.Z", or -m) and you as its tagger. The version is --version, else the latest
registered version bumped (--bump major|minor|patch; patch by default), else v0.0.1.

Refused (exit 2, saying why) when REV's pipeline does not declare NAME, when REV's data.lock
does not hold the artifact's path, when a version is already registered at REV, and when the
artifact's content (its hash in data.lock) is already registered under another version.
--push pushes the tag to the git remote 'origin'.`,
  options: {
    version: { type: 'string', valueName: 'vX.Y.Z', help: 'the version to register' },
    bump: { type: 'string', valueName: 'PART', help: 'bump the latest version: major, minor or patch (default patch)' },
    ...TAG_WRITE,
    json: { type: 'boolean', help: 'print JSON: {tag, version, commit, path, hash, pushed}' },
  },
  positionals: NAME_AND_REV,
  async run({ options, args, io }) {
    const bump = options.bump;
    if (bump !== undefined && bump !== 'major' && bump !== 'minor' && bump !== 'patch') {
      throw new PipeError('USAGE', `--bump takes major, minor or patch, not '${bump}' (pipe model register)`, { command: 'model register', flag: '--bump' });
    }
    const { registerVersion } = await import('../api/register.js');
    const r = await registerVersion({ root: findRoot(io.cwd), name: args.name, rev: args.rev, version: options.version, bump, message: options.message, push: options.push });
    if (options.json) io.out(`${JSON.stringify(r, null, 2)}\n`);
    else io.out(`Created git tag '${r.tag}' that registers version ${r.version} of ${args.name} (${r.path} ${r.hash.slice(0, 15)}… at ${r.commit.slice(0, 7)})${r.pushed ? ", pushed to 'origin'" : `; push it with: git push origin ${r.tag}`}\n`);
  },
});

const assign = defineCommand({
  name: 'assign',
  summary: 'assign a stage (dev, test, prod…) to a version: an annotated tag NAME#STAGE#N',
  description: `
Assigns --stage to a registered version of NAME: --version vX.Y.Z, else the version
registered at REV (default HEAD). The tag is NAME#STAGE#N (N: the artifact's highest counter
+ 1, as GTO numbers them) on the version's commit, with GTO's message or -m.

When pipeline.yaml sets registry.stages (e.g. [dev, test, prod]), only those stages exist, and
a stage is refused to a version that never held the one before it, unless --force. A version
that holds the stage already is refused too (--force makes a new tag anyway). Every refusal
says why and exits 2. --push pushes the tag to 'origin'.`,
  options: {
    stage: { type: 'string', valueName: 'STAGE', help: 'the stage to assign (required)' },
    version: { type: 'string', valueName: 'vX.Y.Z', help: 'the version (default: the one registered at REV)' },
    force: { type: 'boolean', help: 'skip the promotion-order and already-assigned checks' },
    ...TAG_WRITE,
    json: { type: 'boolean', help: 'print JSON: {tag, version, commit, stage, previous, pushed}' },
  },
  positionals: NAME_AND_REV,
  async run({ options, args, io }) {
    if (options.stage === undefined) throw new PipeError('USAGE', 'pipe model assign needs --stage STAGE', { command: 'model assign', flag: '--stage' });
    const { assignStage } = await import('../api/assign.js');
    const a = await assignStage({ root: findRoot(io.cwd), name: args.name, stage: options.stage, version: options.version, rev: args.rev, force: options.force, message: options.message, push: options.push });
    printAssigned(io, args.name, a, options.json);
  },
});

const rollback = defineCommand({
  name: 'rollback',
  summary: 'give a stage back to the version that held it before (a new assign tag; history kept)',
  description: `
Assigns --stage of NAME to the version that held it before the current one (the most recent
earlier assignment of that stage to another version that is still registered), with a new
NAME#STAGE#N tag whose message says it is a rollback. Nothing is deleted: the history shows
both assignments. Exits 2 when no version holds the stage or none held it before.`,
  options: {
    stage: { type: 'string', valueName: 'STAGE', help: 'the stage to roll back (required)' },
    ...TAG_WRITE,
    message: { ...TAG_WRITE.message, help: "the tag's message (default GTO's assign message, saying it is a rollback)" },
    json: { type: 'boolean', help: 'print JSON: {tag, version, commit, stage, previous, pushed}' },
  },
  positionals: [{ name: 'name', valueName: 'NAME', required: true }],
  async run({ options, args, io }) {
    if (options.stage === undefined) throw new PipeError('USAGE', 'pipe model rollback needs --stage STAGE', { command: 'model rollback', flag: '--stage' });
    const { rollbackStage } = await import('../api/assign.js');
    const a = await rollbackStage({ root: findRoot(io.cwd), name: args.name, stage: options.stage, message: options.message, push: options.push });
    printAssigned(io, args.name, a, options.json);
  },
});

function printAssigned(io: { out(t: string): void }, name: string, a: { tag: string; version: string; commit: string; stage: string; previous?: string; pushed: boolean }, json: boolean | undefined): void {
  if (json) {
    io.out(`${JSON.stringify(a, null, 2)}\n`);
    return;
  }
  const before = a.previous ? ` (it was ${name}@${a.previous})` : '';
  io.out(`Created git tag '${a.tag}': ${name}@${a.version} now holds '${a.stage}'${before}${a.pushed ? "; pushed to 'origin'" : `; push it with: git push origin ${a.tag}`}\n`);
}

export const model = defineGroup({ name: 'model', subcommands: [show, history, register, assign, rollback, get] });

function artifactOrThrow(registry: Registry, name: string): ArtifactState {
  const a = registry.get(name);
  if (a) return a;
  const known = [...registry.keys()].sort();
  throw new PipeError('MODEL_UNKNOWN', `no artifact '${name}' in the registry (${known.length ? `known: ${known.join(', ')}` : 'no tag in GTO’s format in this repository'})`, { reference: name });
}

/** Stages in the order a promotion goes (dev, test, staging, prod), then any others by name. */
function stageOrder(artifacts: readonly ArtifactState[]): string[] {
  const usual = ['dev', 'test', 'qa', 'staging', 'prod', 'production'];
  const all = new Set(artifacts.flatMap((a) => [...a.stages.keys()]));
  const rank = (s: string) => (usual.includes(s) ? usual.indexOf(s) : usual.length);
  return [...all].sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
}

function artifactJson(a: ArtifactState) {
  return {
    name: a.name,
    deprecated: a.deprecated,
    latest: a.latest?.version ?? null,
    stages: Object.fromEntries([...a.stages].map(([s, hs]) => [s, hs[0] ? { version: hs[0].version, commit: hs[0].commit, since: isoTime(hs[0].since), by: hs[0].by, tag: hs[0].tag } : null])),
    versions: [...a.versions].reverse().map((v) => ({ version: v.version, commit: v.commit, registered: isoTime(v.registeredAt), by: v.by, active: v.active, stages: v.stages })),
  };
}

function eventJson(e: RegistryEvent) {
  return {
    at: isoTime(e.at),
    artifact: e.artifact,
    event: e.action,
    version: e.versionAtCommit ?? e.version ?? null,
    stage: e.stage ?? null,
    commit: e.commit,
    by: e.by,
    tag: e.tag,
    message: e.message,
  };
}
