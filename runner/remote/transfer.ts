/** @module Runs transfers N at a time with progress; the first failure of the remote itself stops new ones from starting. */

export interface TransferProgress {
  readonly verb: 'uploading' | 'downloading' | 'checking';
  readonly done: number;
  readonly total: number;
  readonly bytes: number;
  readonly totalBytes: number;
}

export type OnProgress = (p: TransferProgress) => void;

/**
 * Calls `work` for every item, at most `jobs` at once, reporting progress after each. `work`
 * handles per-object outcomes itself (missing, corrupt); anything it throws is a failure of the
 * whole transfer: no further item starts, the running ones finish, and the first error is rethrown.
 */
export async function runTransfers<T>({
  items,
  jobs,
  size,
  work,
  verb,
  onProgress,
}: {
  items: readonly T[];
  jobs: number;
  size: (item: T) => number;
  work: (item: T) => Promise<void>;
  verb: TransferProgress['verb'];
  onProgress?: OnProgress;
}): Promise<void> {
  const total = items.length;
  const totalBytes = items.reduce((s, i) => s + size(i), 0);
  let next = 0;
  let done = 0;
  let bytes = 0;
  let failure: { err: unknown } | undefined;
  onProgress?.({ verb, done, total, bytes, totalBytes });
  const worker = async () => {
    while (!failure && next < total) {
      const item = items[next++] as T;
      try {
        await work(item);
      } catch (err) {
        failure ??= { err };
        return;
      }
      done++;
      bytes += size(item);
      onProgress?.({ verb, done, total, bytes, totalBytes });
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(jobs, total)) }, worker));
  if (failure) throw failure.err;
}

/**
 * In name order: consecutive objects then share a fan-out directory, which is what filesystems
 * create files fastest in (a random order over 256 directories made the same push twice as slow
 * in kernel time here).
 */
export function byName(a: readonly [string, unknown], b: readonly [string, unknown]): number {
  return a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0;
}
