/** @module Reads a directory manifest from a remote into memory: used only when its bytes hash to its name and parseManifest accepts it. */
import { createHash } from 'node:crypto';
import { objectKey } from '../cache/object-store.js';
import { parseManifest, type ManifestEntry } from '../hash/manifest.js';
import { MANIFEST_MAX_BYTES } from './object-plan.js';
import type { Remote } from './remote.js';

/** The entries of manifest `hash` (`sha256:….dir`) on `remote`, or undefined when it is absent, does not match its name or is not a usable manifest. */
export async function readRemoteManifest(remote: Remote, hash: string): Promise<ManifestEntry[] | undefined> {
  const bytes = await remote.read(objectKey(hash), MANIFEST_MAX_BYTES);
  if (!bytes || `sha256:${createHash('sha256').update(bytes).digest('hex')}.dir` !== hash) return undefined;
  const parsed = parseManifest(Buffer.from(bytes).toString('utf8'));
  return parsed.ok ? parsed.entries : undefined;
}
