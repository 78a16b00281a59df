/** @module `pipe model assign` and `pipe model rollback`: GTO's `NAME#STAGE#N` annotated tags, with the promotion order of `registry.stages` enforced. */
import { PipeError } from '../../runner/command/index.js';
import type { ArtifactState, VersionState } from '../../runner/index.js';
import { isoTime } from '../iso-time.js';
import { modelUnknown, refused, writeRegistryTag } from './registry-tag.js';
import { artifactAt } from './artifact-at.js';

export interface AssignOptions {
  readonly root: string;
  readonly name: string;
  readonly stage: string;
  /** A registered version; else the version registered at `rev`. */
  readonly version?: string;
  /** Default HEAD. */
  readonly rev?: string;
  readonly force?: boolean;
  readonly message?: string;
  readonly push?: boolean;
}

export interface Assigned {
  readonly tag: string;
  readonly version: string;
  readonly commit: string;
  readonly stage: string;
  /** The version that held the stage before, if any. */
  readonly previous?: string;
  /** The gate rules the version passed (against `previous`), unless --force or a rollback skipped them. */
  readonly gate?: { readonly passed: number };
  readonly pushed: boolean;
}

export async function assignStage(o: AssignOptions): Promise<Assigned> {
  const r = await import('../../runner/index.js');
  const { artifact, stages } = await context(o.root, o.name, o.stage);
  let v: VersionState | undefined;
  if (o.version !== undefined) {
    v = artifact.versions.find((x) => x.version === o.version);
    if (!v) throw modelUnknown(o.name, `${o.name} has no version ${o.version} (registered: ${artifact.versions.map((x) => (x.active ? x.version : `${x.version} (deregistered)`)).join(', ') || 'none'})`);
  } else {
    const rev = await r.resolveRevision(o.root, o.rev ?? 'HEAD');
    v = artifact.versions.find((x) => x.commit === rev.commit && x.active);
    if (!v) throw modelUnknown(o.name, `no version of ${o.name} is registered at ${rev.name}${rev.commit ? ` (${rev.commit.slice(0, 7)})` : ''}: pipe model register ${o.name} ${o.rev ?? 'HEAD'} first, or pass --version`);
  }
  if (!v.active) throw refused(`${o.name}@${v.version} was deregistered; register a new version instead`);
  // A version tagged by hand on a commit without the artifact: the stage would name something `model get` and `serve` cannot load (--force or not).
  await artifactAt(o.root, o.name, { name: `${o.name}@${v.version}`, commit: v.commit }, { command: 'model assign', unlocked: `that version cannot be assigned a stage; register one whose data.lock holds it` });
  const holder = artifact.stages.get(o.stage)?.[0];
  if (holder?.version === v.version && !o.force) throw refused(`${o.name}@${v.version} holds '${o.stage}' already (since ${isoTime(holder.since)})`);
  const i = stages.indexOf(o.stage);
  if (i > 0 && !o.force) {
    const before = stages[i - 1] as string;
    const held = artifact.events.some((e) => e.action === 'assign' && e.stage === before && e.versionAtCommit === v.version);
    if (!held) throw refused(`${o.name}@${v.version} never held '${before}', which comes before '${o.stage}' (registry.stages: ${stages.join(', ')}): assign ${before} first, or pass --force`);
  }
  const gate = o.force ? undefined : await gateVersion(o.root, o.name, o.stage, v, holder);
  return { ...(await writeAssign(o, artifact, v, holder?.version, o.message)), ...(gate ? { gate } : {}) };
}

/**
 * The version's gate verdict: the `gates:` rules of pipeline.yaml on its committed metrics
 * against those of the version holding the stage now (absolute limits only when none does).
 */
async function gateVersion(root: string, name: string, stage: string, v: VersionState, holder: { version: string; commit: string } | undefined): Promise<{ passed: number }> {
  const { gateRevision } = await import('../../reports/gate/run-gate.js');
  // Named as versions, so the messages say `churn@v1.2.0`, not a commit id.
  const g = await gateRevision({ root, head: `${name}@${v.version}`, ...(holder ? { base: `${name}@${holder.version}` } : {}) });
  const failed = g.rows.filter((r) => r.result === 'fail');
  if (failed.length || g.stale.length) {
    const against = holder ? `against ${name}@${holder.version}, which holds '${stage}'` : `(no version holds '${stage}': absolute limits only)`;
    const lines = [
      ...failed.map((r) => `  ${r.rule.metric}${r.path ? ` (${r.path})` : ''}: ${r.why}${r.limit ? ` [${r.limit}]` : ''}`),
      ...g.stale.map((x) => `  ${x.path} is stale: ${x.why}`),
    ];
    const message = `${name}@${v.version} fails the gate ${against}:\n${lines.join('\n')}\nno tag written; fix the model, or pass --force to assign it anyway`;
    throw new PipeError('GATE_FAILED', message, { failed: [...failed.map((r) => r.rule.metric), ...g.stale.map((x) => x.path)] });
  }
  return { passed: g.rows.length };
}

/** Gives the stage back to the version that held it before the current one (a new assign tag; nothing is deleted). */
export async function rollbackStage(o: { root: string; name: string; stage: string; message?: string; push?: boolean }): Promise<Assigned> {
  const { artifact } = await context(o.root, o.name, o.stage);
  const holder = artifact.stages.get(o.stage)?.[0];
  if (!holder) throw refused(`no version of ${o.name} holds '${o.stage}': nothing to roll back`);
  // The assignments of this stage, newest first; the first one of another, still registered version.
  const assigns = artifact.events.filter((e) => e.action === 'assign' && e.stage === o.stage).reverse();
  const previous = assigns.find((e) => e.versionAtCommit !== holder.version && artifact.versions.some((v) => v.version === e.versionAtCommit && v.active));
  const v = previous && artifact.versions.find((x) => x.version === previous.versionAtCommit);
  if (!v) throw refused(`${o.name}@${holder.version} is the only version that has held '${o.stage}': nothing to roll back to`);
  const message = o.message ?? `Assigning stage ${o.stage} to artifact ${o.name} version ${v.version} (rollback from ${holder.version})`;
  return writeAssign({ ...o }, artifact, v, holder.version, message);
}

async function writeAssign(o: { root: string; name: string; stage: string; push?: boolean }, artifact: ArtifactState, v: VersionState, previous: string | undefined, message: string | undefined): Promise<Assigned> {
  const parsed = { artifact: o.name, action: 'assign', stage: o.stage, counter: artifact.maxCounter + 1 } as const;
  const { tag, pushed } = await writeRegistryTag(o.root, parsed, { commit: v.commit, version: v.version, ...(message === undefined ? {} : { message }), push: o.push ?? false, lastAt: artifact.events.at(-1)?.at });
  return { tag, version: v.version, commit: v.commit, stage: o.stage, ...(previous ? { previous } : {}), pushed };
}

async function context(root: string, name: string, stage: string): Promise<{ artifact: ArtifactState; stages: readonly string[] }> {
  const r = await import('../../runner/index.js');
  if (!r.isStageName(stage)) throw new PipeError('USAGE', `'${stage}' is not a stage name: use lowercase letters, digits, '-' and '/' (GTO's names)`, { command: 'model', flag: '--stage' });
  const pipeline = await r.pipelineAt(root, { name: 'workspace' });
  const stages = pipeline.state === 'found' ? pipeline.declared.registryStages : [];
  if (stages.length && !stages.includes(stage)) throw new PipeError('USAGE', `'${stage}' is not a registry stage (registry.stages in pipeline.yaml: ${stages.join(', ')})`, { command: 'model', flag: '--stage' });
  const artifact = (await r.readRegistry(root)).get(name);
  if (!artifact) throw modelUnknown(name, `no artifact '${name}' in the registry: pipe model register ${name} first`);
  return { artifact, stages };
}
