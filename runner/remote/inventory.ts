/** @module Which objects a remote already has, in few requests: one listing (paginated, fanned out) or, for a handful of keys, one HEAD each. */
import { isPipeError } from '../errors.js';
import { fingerprintOfKey, hashOfKey } from './remote-keys.js';
import type { Remote } from './remote.js';
import { runTransfers } from './transfer.js';

/** Up to this many keys are checked one by one (HEAD); more are answered by listing the remote. */
export const HEAD_MAX = 64;

export interface Inventory {
  /** Wanted keys the remote holds complete (with the expected size, where both sizes are known). */
  readonly present: ReadonlySet<string>;
  /** Wanted keys the remote holds with another size: a partial write by a store that is not atomic; they are sent again. */
  readonly damaged: ReadonlySet<string>;
  /** With a listing: every valid key of the remote under the prefix (for "only in the remote"). */
  readonly listed?: ReadonlySet<string>;
  readonly method: 'list' | 'head';
}

/**
 * `wanted`: key → expected size (undefined when not known). Listed keys that are not object or
 * run keys are dropped: nothing read back from a remote is used unless it matches those patterns.
 */
export async function inventory({
  remote,
  prefix,
  wanted,
  jobs,
  list = wanted.size > HEAD_MAX,
}: {
  remote: Remote;
  prefix: 'files/sha256/' | 'runs/';
  wanted: ReadonlyMap<string, number | undefined>;
  jobs: number;
  /** Force a listing (to learn what is only in the remote). */
  list?: boolean;
}): Promise<Inventory> {
  const present = new Set<string>();
  const damaged = new Set<string>();
  const check = (key: string, expected: number | undefined, actual: number | undefined) => {
    if (expected !== undefined && actual !== undefined && expected !== actual) damaged.add(key);
    else present.add(key);
  };
  const headEach = async () => {
    await runTransfers({
      items: [...wanted],
      jobs,
      size: () => 0,
      verb: 'checking',
      work: async ([key, expected]) => {
        let size: number | undefined;
        try {
          size = await remote.head(key);
        } catch (err) {
          // The server cannot say (an error of its own, not of the network or the credentials): send it again.
          if (!serverError(err)) throw err;
          damaged.add(key);
          return;
        }
        if (size !== undefined) check(key, expected, size);
      },
    });
    return { present, damaged, method: 'head' as const };
  };
  if (!list) return headEach();
  const valid = prefix === 'runs/' ? fingerprintOfKey : hashOfKey;
  const listed = new Set<string>();
  let keys: Map<string, number | undefined>;
  try {
    keys = await remote.list(prefix, jobs);
  } catch (err) {
    // A listing the server fails to produce (s3rver, killed mid-write, keeps a broken metadata
    // file that fails every page holding it): fall back to one question per object.
    if (!serverError(err)) throw err;
    return headEach();
  }
  for (const [key, size] of keys) {
    if (valid(key) === undefined) continue;
    listed.add(key);
    if (wanted.has(key)) check(key, wanted.get(key), size);
  }
  return { present, damaged, listed, method: 'list' };
}

function serverError(err: unknown): boolean {
  return isPipeError(err, 'REMOTE_FAILED') && err.data.reason === 'failed';
}
