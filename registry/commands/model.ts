/** @module `pipe model show|history`: the registry that the repository's GTO tags make. */
import { PipeError, defineCommand, defineGroup, findRoot } from '../../runner/command/index.js';
import type { ArtifactState, RegistryEvent } from '../../runner/index.js';
import { artifactIn } from '../api/registry-tag.js';
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
    const one = args.name === undefined ? undefined : artifactIn(registry, args.name);
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
    const artifacts = args.name === undefined ? [...registry.values()] : [artifactIn(registry, args.name)];
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
--bump auto reads the bump from the messages of the commits since the latest version
(git log LATEST..REV): [model:major], [model:minor] or [model:patch] anywhere in one (the
largest wins), patch when none says; a first version is v1.0.0.

Refused (exit 2, saying why) when REV's pipeline does not declare NAME, when REV's data.lock
does not hold the artifact's path, when a version is already registered at REV, and when the
artifact's content (its hash in data.lock) is already registered under another version.
With --if-changed those last two are not refusals: it says which version holds the content and
exits 0 without a tag (CI registers on every merge this way). --push pushes the tag to the git
remote 'origin'.`,
  options: {
    version: { type: 'string', valueName: 'vX.Y.Z', help: 'the version to register' },
    bump: { type: 'string', valueName: 'PART', help: 'bump the latest version: major, minor, patch (default) or auto (from commit messages)' },
    'if-changed': { type: 'boolean', help: 'content registered already: say which version holds it and exit 0' },
    ...TAG_WRITE,
    json: { type: 'boolean', help: 'print JSON: {tag, version, commit, path, hash, pushed, created}' },
  },
  positionals: NAME_AND_REV,
  async run({ options, args, io }) {
    const bump = options.bump;
    if (bump !== undefined && bump !== 'major' && bump !== 'minor' && bump !== 'patch' && bump !== 'auto') {
      throw new PipeError('USAGE', `--bump takes major, minor, patch or auto, not '${bump}' (pipe model register)`, { command: 'model register', flag: '--bump' });
    }
    const { registerVersion } = await import('../api/register.js');
    const r = await registerVersion({ root: findRoot(io.cwd), name: args.name, rev: args.rev, version: options.version, bump, message: options.message, push: options.push, ifChanged: options['if-changed'] });
    if (options.json) io.out(`${JSON.stringify(r, null, 2)}\n`);
    else if (!r.created) io.out(`No new version: ${args.name}@${r.version} (${r.commit.slice(0, 7)}) holds this content already (${r.path} ${r.hash.slice(0, 15)}…)\n`);
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
says why and exits 2.

The version must also pass the gate: the 'gates:' rules of pipeline.yaml (as pipe gate reads
them) on the metrics committed at the version's commit, against those of the version holding
the stage now (with no holder, only absolute limits such as min and max apply). A stage is not a
branch, so every rule applies whatever its 'branches:'. A failing gate writes no tag, lists the
failing rules and exits 1; --force skips it. --push pushes the tag to 'origin'.`,
  options: {
    stage: { type: 'string', valueName: 'STAGE', help: 'the stage to assign (required)' },
    version: { type: 'string', valueName: 'vX.Y.Z', help: 'the version (default: the one registered at REV)' },
    force: { type: 'boolean', help: 'skip the promotion-order, already-assigned and gate checks' },
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

const deregister = defineCommand({
  name: 'deregister',
  summary: 'withdraw a registered version: an annotated tag NAME@vX.Y.Z! (history kept)',
  description: `
Marks version VERSION of NAME as deregistered with GTO's tag NAME@VERSION! on the version's
commit. The version no longer counts as the latest, cannot take a stage, and NAME@VERSION no
longer resolves as a model reference; its tags stay, so history still shows it. The same as
GTO's 'gto deprecate NAME VERSION'. Exits 2 for an unknown or already deregistered version.`,
  options: { ...TAG_WRITE, json: { type: 'boolean', help: 'print JSON: {tag, commit, version, pushed}' } },
  positionals: [
    { name: 'name', valueName: 'NAME', required: true },
    { name: 'version', valueName: 'VERSION', required: true },
  ],
  async run({ options, args, io }) {
    const { deregisterVersion } = await import('../api/retire.js');
    const d = await deregisterVersion({ root: findRoot(io.cwd), name: args.name, version: args.version, message: options.message, push: options.push });
    printRetired(io, d, options.json, `${args.name}@${args.version} is deregistered`);
  },
});

const unassign = defineCommand({
  name: 'unassign',
  summary: 'take a stage from a version: an annotated tag NAME#STAGE!#N (history kept)',
  description: `
Takes --stage from the version holding it (or from --version, when several versions hold the
stage), with GTO's tag NAME#STAGE!#N on that version's commit. Afterwards the stage is held by
the version assigned it before, if it still holds it, else by none; use pipe model rollback to
give it explicitly to the previous holder. The same as GTO's 'gto deprecate NAME VERSION STAGE'.
Exits 2 when no version (or not --version) holds the stage.`,
  options: {
    stage: { type: 'string', valueName: 'STAGE', help: 'the stage to take (required)' },
    version: { type: 'string', valueName: 'vX.Y.Z', help: 'the version to take it from (default: the one holding it)' },
    ...TAG_WRITE,
    json: { type: 'boolean', help: 'print JSON: {tag, commit, version, stage, nowHeldBy, pushed}' },
  },
  positionals: [{ name: 'name', valueName: 'NAME', required: true }],
  async run({ options, args, io }) {
    if (options.stage === undefined) throw new PipeError('USAGE', 'pipe model unassign needs --stage STAGE', { command: 'model unassign', flag: '--stage' });
    const { unassignStage } = await import('../api/retire.js');
    const u = await unassignStage({ root: findRoot(io.cwd), name: args.name, stage: options.stage, version: options.version, message: options.message, push: options.push });
    const now = u.nowHeldBy ? `${args.name}@${u.nowHeldBy} holds it now` : `no version holds it now`;
    printRetired(io, u, options.json, `${args.name}@${u.version ?? '?'} no longer holds '${options.stage}' (${now})`);
  },
});

const deprecate = defineCommand({
  name: 'deprecate',
  summary: 'retire an artifact: an annotated tag NAME@deprecated#N (history kept)',
  description: `
Marks the artifact NAME as deprecated with the tag NAME@deprecated#N (GTO's 'gto deprecate NAME'
writes NAME@deprecated, or with a counter when forced; GTO reads both) on the commit of its newest
event: pipe model show lists it as deprecated until its next event (a new version, say); its
versions and stages stay readable. Exits 2 for an unknown or already deprecated artifact.`,
  options: { ...TAG_WRITE, json: { type: 'boolean', help: 'print JSON: {tag, commit, pushed}' } },
  positionals: [{ name: 'name', valueName: 'NAME', required: true }],
  async run({ options, args, io }) {
    const { deprecateArtifact } = await import('../api/retire.js');
    const d = await deprecateArtifact({ root: findRoot(io.cwd), name: args.name, message: options.message, push: options.push });
    printRetired(io, d, options.json, `${args.name} is deprecated`);
  },
});

function printRetired(io: { out(t: string): void }, r: { tag: string; pushed: boolean }, json: boolean | undefined, what: string): void {
  if (json) io.out(`${JSON.stringify(r, null, 2)}\n`);
  else io.out(`Created git tag '${r.tag}': ${what}${r.pushed ? "; pushed to 'origin'" : `; push it with: git push origin ${r.tag}`}\n`);
}

function printAssigned(io: { out(t: string): void }, name: string, a: { tag: string; version: string; commit: string; stage: string; previous?: string; gate?: { passed: number }; pushed: boolean }, json: boolean | undefined): void {
  if (json) {
    io.out(`${JSON.stringify(a, null, 2)}\n`);
    return;
  }
  const before = a.previous ? ` (it was ${name}@${a.previous})` : '';
  const gate = a.gate?.passed ? `; gate: ${a.gate.passed} rule${a.gate.passed === 1 ? '' : 's'} passed` : '';
  io.out(`Created git tag '${a.tag}': ${name}@${a.version} now holds '${a.stage}'${before}${gate}${a.pushed ? "; pushed to 'origin'" : `; push it with: git push origin ${a.tag}`}\n`);
}

export const model = defineGroup({ name: 'model', subcommands: [show, history, register, assign, rollback, unassign, deregister, deprecate, get] });

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
