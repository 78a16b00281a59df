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
