/**
 * @module `pipe model register --bump auto`: the bump that the commit messages since the latest
 * registered version ask for — `[model:major]`, `[model:minor]`, `[model:patch]` anywhere in a
 * message (any case; the largest wins), patch when none does — and v1.0.0 for a first version.
 */
import type { ArtifactState } from '../runner/index.js';

export type Bump = 'major' | 'minor' | 'patch';

const LEVELS: readonly Bump[] = ['patch', 'minor', 'major'];

/** The largest bump any message asks for; patch when none asks. */
export function bumpFromMessages(messages: readonly string[]): Bump {
  let level = 0;
  for (const message of messages) {
    for (const m of message.matchAll(/\[model:(major|minor|patch)\]/gi)) level = Math.max(level, LEVELS.indexOf((m[1] as string).toLowerCase() as Bump));
  }
  return LEVELS[level] ?? 'patch';
}

/**
 * The version `--bump auto` registers at `commit`: the highest registered version bumped by the
 * messages of the commits since the latest (active) version's commit (`git log LATEST..commit`), or v1.0.0 when the artifact
 * has no version yet. `bump` says which part moved ('major' for a first version).
 */
export async function autoVersion(root: string, artifact: ArtifactState | undefined, commit: string): Promise<{ version: string; bump: Bump }> {
  const latest = artifact?.latest;
  if (!latest) return { version: 'v1.0.0', bump: 'major' };
  const r = await import('../runner/index.js');
  const bump = bumpFromMessages(await r.commitMessages(root, { head: commit, since: latest.commit }));
  // The number bumped is the highest ever registered: a deregistered version keeps its number taken.
  const highest = artifact.versions.at(-1)?.version ?? latest.version;
  return { version: r.bumpVersion(highest, bump), bump };
}
