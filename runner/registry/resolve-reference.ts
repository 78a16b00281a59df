/**
 * @module Resolves what the user typed as a revision, model references included: `churn#prod`,
 * `churn@latest`, `churn@greatest` and `churn@v1.2.0` name the commit of a registered version
 * (GTO's shortcuts), anything else is a git revision (`HEAD~2`, `origin/dev`, `3f2a9c1`, `workspace`).
 */
import { PipeError } from '../errors.js';
import { resolveRevision } from '../git/resolve-revision.js';
import type { Revision } from '../git/revision.js';
import { readRegistry, resolveModelReference } from './registry-state.js';
import { parseModelReference } from './tag-name.js';

/**
 * A model reference resolves through the registry; when the registry has no artifact of that
 * name the string is tried as a git revision (a branch may be called `fix#12`), and a deregistered
 * version does not resolve even though its tag is still there. Unknown
 * references throw REVISION_UNKNOWN (exit 2) saying what the registry lacks.
 */
export async function resolveReference(root: string, name: string): Promise<Revision> {
  const ref = parseModelReference(name);
  if (!ref) return resolveRevision(root, name);
  const registry = await readRegistry(root);
  const resolved = resolveModelReference(registry, ref);
  if (resolved && !('problem' in resolved)) {
    const model = { artifact: resolved.artifact, version: resolved.version, ...(resolved.stage ? { stage: resolved.stage } : {}) };
    return { name, commit: resolved.commit, model };
  }
  const problem = resolved?.problem ?? 'not a model reference';
  // The registry's answer stands for an artifact it knows: `churn@v1.0.0` deregistered is not its git tag.
  if (registry.has(ref.artifact)) throw new PipeError('REVISION_UNKNOWN', `unknown revision '${name}': ${problem}`, { revision: name, reason: problem });
  try {
    return await resolveRevision(root, name);
  } catch (err) {
    if (!(err instanceof PipeError && err.code === 'REVISION_UNKNOWN')) throw err;
    throw new PipeError('REVISION_UNKNOWN', `unknown revision '${name}': ${problem}`, { revision: name, reason: problem }, { cause: err });
  }
}
