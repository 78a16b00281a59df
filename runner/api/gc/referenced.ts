/** @module The objects `pipe gc` keeps: the kept hashes plus every file their directory manifests list; a directory whose manifest cannot be read anywhere makes every file object unprovable, so none is removed. */
import { parseHash } from '../../cache/object-store.js';
import { HASH_ALGORITHM } from '../../hash/hash-file.js';
import type { ManifestEntry } from '../../hash/manifest.js';

export interface Referenced {
  readonly objects: ReadonlySet<string>;
  /** Kept directory hashes whose manifest could not be read (→ where they are referenced): their files are unknown. */
  readonly unknownDirs: ReadonlyMap<string, string>;
}

/** `manifest` answers from wherever manifests can be read (the cache, and the remote for --cloud). */
export function referencedObjects(
  roots: ReadonlyMap<string, string>,
  manifest: (hash: string) => readonly ManifestEntry[] | undefined,
): Referenced {
  const objects = new Set<string>();
  const unknownDirs = new Map<string, string>();
  for (const [hash, where] of roots) {
    objects.add(hash);
    if (!parseHash(hash)?.isDir) continue;
    const entries = manifest(hash);
    if (!entries) unknownDirs.set(hash, where);
    for (const e of entries ?? []) objects.add(`${HASH_ALGORITHM}:${e.hash}`);
  }
  return { objects, unknownDirs };
}

/**
 * Whether gc may remove `hash`. A manifest names only files, so an unreferenced manifest can
 * always go; a file object can go only when every kept directory's files are known — otherwise
 * it may be one of them.
 */
export function isRemovable(ref: Referenced, hash: string): boolean {
  if (ref.objects.has(hash)) return false;
  return ref.unknownDirs.size === 0 || Boolean(parseHash(hash)?.isDir);
}

/** The warning printed when unknown directories held file objects back; `remote` is the remote's name with --cloud. */
export function unknownDirsWarning(ref: Referenced, remote?: string): string | undefined {
  const n = ref.unknownDirs.size;
  if (n === 0) return undefined;
  const shown = [...ref.unknownDirs].slice(0, 5).map(([hash, at]) => `  ${at}: ${hash}`);
  if (n > shown.length) shown.push(`  … and ${n - shown.length} more`);
  const one = n === 1;
  const looked = remote === undefined ? 'in the cache' : `in the cache or on remote '${remote}'`;
  const from = remote === undefined ? 'the cache' : `the cache or remote '${remote}'`;
  const next =
    remote === undefined
      ? 'add --cloud to read them from the remote (or fetch them), then run gc again'
      : 'push those directories from a machine that has them, or narrow the scope, then run gc again';
  return `${n} director${one ? 'y' : 'ies'} that gc keeps ${one ? 'has' : 'have'} no manifest ${looked}, so ${one ? 'its' : 'their'} files are unknown:\n${shown.join('\n')}\nso gc removes no file object from ${from}, only unreferenced directory manifests; ${next}`;
}
