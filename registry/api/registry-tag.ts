/** @module What every `pipe model` write shares: find the artifact, refuse with a reason, write one annotated tag (and push it). */
import { PipeError } from '../../runner/command/index.js';
import type { ArtifactState, ModelReference, Registry } from '../../runner/index.js';

type TagAction = 'register' | 'deregister' | 'assign' | 'unassign' | 'deprecate';

/** Writes GTO's tag for `parsed` on `commit`, with GTO's message unless `message`; pushes it to origin with `push`. */
export async function writeRegistryTag(
  root: string,
  parsed: { readonly artifact: string; readonly action: TagAction; readonly version?: string; readonly stage?: string; readonly counter?: number },
  o: {
    readonly commit: string;
    readonly version?: string;
    readonly message?: string;
    readonly push?: boolean;
    /** When the artifact's newest tag was written (seconds), from the registry the caller read: see afterLastSecond. */
    readonly lastAt?: number;
  },
): Promise<{ tag: string; pushed: boolean }> {
  const r = await import('../../runner/index.js');
  const tag = r.formatTagName(parsed);
  if (o.push) await r.assertGitRemote(root);
  await afterLastSecond(o.lastAt);
  const tagger = await r.taggerIdentity(root);
  await r.createAnnotatedTag(root, { name: tag, commit: o.commit, message: o.message ?? r.defaultTagMessage(parsed, o.version), tagger });
  if (o.push) await r.pushTag(root, tag);
  return { tag, pushed: Boolean(o.push) };
}

/**
 * Waits, when the artifact's last tag was written in this very second, for the next one. Tagger
 * dates have whole seconds and the registry orders an artifact's events by them (GTO's rule, a
 * counter breaking ties): a deregister written in the second of an unassign came before it in
 * `history` and `show`. A last tag dated later than a second from now (another clock) is not waited for.
 */
async function afterLastSecond(last: number | undefined): Promise<void> {
  if (last === undefined) return;
  const wait = (last + 1) * 1000 - Date.now();
  if (wait > 0 && wait <= 1000) await new Promise((resolve) => setTimeout(resolve, wait));
}

/** The artifact `name` of the registry, or MODEL_UNKNOWN (exit 2) naming the known ones. */
export function artifactIn(registry: Registry, name: string): ArtifactState {
  const a = registry.get(name);
  if (a) return a;
  const known = [...registry.keys()].sort();
  throw modelUnknown(name, `no artifact '${name}' in the registry (${known.length ? `known: ${known.join(', ')}` : 'no tag in GTO’s format in this repository'})`);
}

export function modelUnknown(reference: string | ModelReference, message: string): PipeError<'MODEL_UNKNOWN'> {
  const ref = typeof reference === 'string' ? reference : reference.artifact;
  return new PipeError('MODEL_UNKNOWN', message, { reference: ref });
}

/** A write the registry's rules refuse (exit 2), saying why. */
export function refused(message: string): PipeError<'USAGE'> {
  return new PipeError('USAGE', message, { command: 'model' });
}
