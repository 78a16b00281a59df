/** @module An artifact as a commit holds it: its path from that commit's `artifacts:`, its hash (and size) in that commit's data.lock. */
import { PipeError } from '../../runner/command/index.js';

export interface ArtifactAt {
  readonly path: string;
  /** The artifact's hash in data.lock at the commit. */
  readonly hash: string;
  readonly size: number;
}

/**
 * The artifact `name` at `rev`; MODEL_UNKNOWN when the pipeline there does not declare it, and
 * USAGE (`unlocked` says what to do) when that data.lock does not hold its path: both exit 2.
 */
export async function artifactAt(root: string, name: string, rev: { name: string; commit?: string }, { command, unlocked }: { command: string; unlocked: string }): Promise<ArtifactAt> {
  const r = await import('../../runner/index.js');
  const p = await r.pipelineAt(root, rev);
  // A pipeline file there that cannot be read declares nothing: say why, not "no 'artifacts:' at all".
  if (p.state === 'invalid') throw new PipeError('MODEL_UNKNOWN', `the pipeline at ${rev.name} cannot be read for artifact '${name}': ${p.problem}`, { reference: name });
  const declared = p.state === 'found' ? p.declared.artifacts : new Map<string, string>();
  const path = declared.get(name);
  if (!path) {
    const known = [...declared.keys()];
    throw new PipeError('MODEL_UNKNOWN', `the pipeline at ${rev.name} declares no artifact '${name}' (${known.length ? `artifacts: ${known.join(', ')}` : "no 'artifacts:' at all"}); add it under 'artifacts:' in pipeline.yaml`, { reference: name });
  }
  const held = r.lockedEntry(await r.readLockAtRevision(root, rev.commit ?? rev.name), path);
  if (!held) throw new PipeError('USAGE', `data.lock at ${rev.name} does not hold ${path} (artifact ${name}): ${unlocked}`, { command });
  return { path, hash: held.hash, size: held.size };
}
