/** @module The directory manifest: sorted (relpath, hash, size, exec) entries; its hash is the directory's hash. */
import { hashBytes } from './hash-file.js';

export interface ManifestEntry {
  /** POSIX path relative to the directory. */
  readonly relpath: string;
  /** Hex digest of the file's bytes. */
  readonly hash: string;
  readonly size: number;
  readonly exec: boolean;
}

/** Canonical bytes of a manifest: a JSON array sorted by relpath (code-unit order), one entry per line. */
export function serializeManifest(entries: readonly ManifestEntry[]): string {
  const sorted = [...entries].sort((a, b) => (a.relpath < b.relpath ? -1 : a.relpath > b.relpath ? 1 : 0));
  const lines = sorted.map((e) =>
    JSON.stringify({ relpath: e.relpath, hash: e.hash, size: e.size, exec: e.exec }),
  );
  return `[${lines.join(',\n')}]\n`;
}

export function manifestHash(entries: readonly ManifestEntry[]): string {
  return hashBytes(serializeManifest(entries));
}

export type ParsedManifest = { readonly ok: true; readonly entries: ManifestEntry[] } | { readonly ok: false; readonly problem: string };

/**
 * The one reader of manifest bytes, from the cache or a remote alike: a manifest names the files
 * checkout creates under an out's path, so it is used only when it is a list of well-formed
 * entries whose relpaths are normalised, stay inside the directory, and name each file once
 * (never a path that is both a file and a directory).
 */
export function parseManifest(text: string): ParsedManifest {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    return { ok: false, problem: 'not JSON' };
  }
  const problem = manifestProblem(v);
  return problem === undefined ? { ok: true, entries: v as ManifestEntry[] } : { ok: false, problem };
}

/** Why a parsed JSON value is not a usable manifest, or undefined when it is one. */
export function manifestProblem(entries: unknown): string | undefined {
  if (!Array.isArray(entries)) return 'not a JSON array';
  const seen = new Set<string>();
  for (const e of entries as unknown[]) {
    if (typeof e !== 'object' || e === null || Array.isArray(e)) return 'an entry is not an object';
    const { relpath, hash, size, exec } = e as Record<string, unknown>;
    if (typeof relpath !== 'string' || relpath === '' || relpath.includes('\0') || relpath.includes('\\') || relpath.startsWith('/')) {
      return `bad relpath ${JSON.stringify(relpath)}`;
    }
    if (relpath.split('/').some((s) => s === '' || s === '.' || s === '..')) return `relpath ${JSON.stringify(relpath)} leaves its directory`;
    if (typeof hash !== 'string' || !/^[0-9a-f]{64}$/.test(hash)) return `bad hash for ${relpath}`;
    if (!Number.isSafeInteger(size) || (size as number) < 0) return `bad size for ${relpath}`;
    if (typeof exec !== 'boolean') return `bad exec flag for ${relpath}`;
    if (seen.has(relpath)) return `relpath ${JSON.stringify(relpath)} is listed twice`;
    seen.add(relpath);
  }
  for (const relpath of seen) {
    for (let i = relpath.indexOf('/'); i >= 0; i = relpath.indexOf('/', i + 1)) {
      const dir = relpath.slice(0, i);
      if (seen.has(dir)) return `${JSON.stringify(dir)} is both a file and the directory of ${JSON.stringify(relpath)}`;
    }
  }
  return undefined;
}
