/** @module Remote keys: what may be read back from a listing (anything else is ignored, so no key can name a path outside the store). */

const OBJECT_KEY = /^files\/sha256\/([0-9a-f]{2})\/([0-9a-f]{62})(\.dir)?$/;
const RUN_KEY = /^runs\/([0-9a-f]{2})\/([0-9a-f]{62})$/;

/** `sha256:<hex>[.dir]` of an object key, or undefined for any other key. */
export function hashOfKey(key: string): string | undefined {
  const m = OBJECT_KEY.exec(key);
  return m ? `sha256:${m[1]}${m[2]}${m[3] ?? ''}` : undefined;
}

/** The fingerprint of a run-cache key, or undefined for any other key. */
export function fingerprintOfKey(key: string): string | undefined {
  const m = RUN_KEY.exec(key);
  return m ? `${m[1]}${m[2]}` : undefined;
}

export const OBJECTS_PREFIX = 'files/sha256/';
export const RUNS_PREFIX = 'runs/';
