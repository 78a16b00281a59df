/** @module Compares a stage's current inputs and outs with its data.lock entry. */
import type { HashInfo, PathHasher } from '../hash/hash-path.js';
import type { LockedPath, StageLock } from '../lockfile/lock.js';
import type { Pipeline, Stage } from '../pipeline/pipeline.js';
import { canonicalJson } from '../hash/canonical-json.js';
import type { Reason } from './reason.js';

export interface StageStatus {
  readonly stage: Stage;
  /** Empty when the stage is up to date. */
  readonly reasons: readonly Reason[];
  /** The deps as they are now (missing deps are absent). */
  readonly deps: readonly HashInfo[];
  /** The params the stage reads, with their current values. */
  readonly params: Record<string, Record<string, unknown>>;
}

export function lockedCmd(stage: Stage): string | readonly string[] {
  return stage.cmd.length === 1 ? (stage.cmd[0] ?? '') : stage.cmd;
}

export function currentParams(stage: Stage, pipeline: Pick<Pipeline, 'params'>): Record<string, Record<string, unknown>> {
  const out: Record<string, Record<string, unknown>> = {};
  for (const ref of stage.params) {
    (out[ref.file] ??= {})[ref.key] = pipeline.params.get(ref.file)?.get(ref.key);
  }
  return out;
}

export interface StatusInput {
  readonly stage: Stage;
  readonly locked: StageLock | undefined;
  readonly pipeline: Pick<Pipeline, 'params'>;
  readonly hasher: PathHasher;
  /** Check outs too (skipped for --dry listings of stages that will run anyway). */
  readonly checkOuts?: boolean;
  /** Whether the cache holds a cached out's locked object(s); without it, the cache is not looked at. */
  readonly isStored?: (path: string, hash: string) => boolean;
}

export async function stageStatus({ stage, locked, pipeline, hasher, checkOuts = true, isStored }: StatusInput): Promise<StageStatus> {
  const reasons: Reason[] = [];
  const params = currentParams(stage, pipeline);
  const depInfos = await Promise.all(stage.deps.map((d) => hasher.hash(d.path)));
  const deps = depInfos.filter((d): d is HashInfo => d !== undefined);
  stage.deps.forEach((d, i) => {
    if (!depInfos[i]) reasons.push({ kind: 'dep-missing', path: d.path });
  });
  if (stage.alwaysChanged) reasons.push({ kind: 'always-changed' });
  if (!locked) {
    reasons.unshift({ kind: 'never-run' });
    return { stage, reasons, deps, params };
  }

  if (canonicalJson(locked.cmd) !== canonicalJson(lockedCmd(stage))) reasons.push({ kind: 'cmd-changed' });
  if ((locked.wdir ?? '.') !== stage.wdir) reasons.push({ kind: 'wdir-changed' });
  const lockedEnv = locked.env ?? {};
  for (const key of new Set([...Object.keys(lockedEnv), ...Object.keys(stage.env)])) {
    if (lockedEnv[key] !== stage.env[key]) reasons.push({ kind: 'env-changed', key });
  }

  compareList(locked.deps, deps, 'dep', reasons, new Set(stage.deps.map((d) => d.path)));

  for (const [file, values] of Object.entries(params)) {
    const before = locked.params[file] ?? {};
    for (const [key, value] of Object.entries(values)) {
      if (!Object.hasOwn(before, key)) reasons.push({ kind: 'param-added', file, key });
      else if (canonicalJson(before[key]) !== canonicalJson(value)) {
        reasons.push({ kind: 'param-changed', file, key, from: before[key], to: value });
      }
    }
  }
  for (const [file, values] of Object.entries(locked.params)) {
    for (const key of Object.keys(values)) {
      if (!Object.hasOwn(params[file] ?? {}, key)) reasons.push({ kind: 'param-removed', file, key });
    }
  }

  if (checkOuts) {
    const outs = await Promise.all(stage.outs.map((o) => hasher.hash(o.path)));
    const declared = new Set(stage.outs.map((o) => o.path));
    for (const o of locked.outs) if (!declared.has(o.path)) reasons.push({ kind: 'out-removed', path: o.path });
    stage.outs.forEach((o, i) => {
      const was = locked.outs.find((l) => l.path === o.path);
      const now = outs[i];
      if (!was) reasons.push({ kind: 'out-added', path: o.path });
      else if (!now) reasons.push({ kind: 'out-missing', path: o.path });
      else if (now.hash !== was.hash) reasons.push({ kind: 'out-modified', path: o.path });
      else if (o.cache && isStored && !isStored(o.path, was.hash)) reasons.push({ kind: 'out-not-stored', path: o.path });
    });
  }
  return { stage, reasons, deps, params };
}

function compareList(
  before: readonly LockedPath[],
  now: readonly HashInfo[],
  what: 'dep',
  reasons: Reason[],
  declared: ReadonlySet<string>,
): void {
  const was = new Map(before.map((l) => [l.path, l]));
  for (const n of now) {
    const w = was.get(n.path);
    if (!w) reasons.push({ kind: `${what}-added`, path: n.path });
    else if (w.hash !== n.hash) reasons.push({ kind: `${what}-modified`, path: n.path });
  }
  for (const l of before) if (!declared.has(l.path)) reasons.push({ kind: `${what}-removed`, path: l.path });
}
