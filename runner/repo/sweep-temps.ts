/** @module Removes the temp files of pipe processes that died mid-write (SIGKILL, a lost CI runner), which nothing else would ever remove. */
import { readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { isProcessLive } from '../exec/process-group.js';
import { pipeDir } from './pipe-dir.js';

// The temp names pipe writes, with the writer's pid in group 1; each is looked for only where it is written.
/** fs/write-file-atomic.ts (next to the file it replaces: data.lock, the stat state, a run-cache record) and repo/mutex.ts (the holder's record). */
const ATOMIC = [/^\..+\.(\d+)\.[0-9a-f]{8}\.tmp$/, /^.+\.mutex\.(\d+)\.tmp$/];
/** The store's tmp/ (object-store.ts, download-objects.ts). */
const STORE_TMP = [/^(\d+)-[0-9a-f]+(-.*)?$/];
/** remote/copy-pool.ts, next to the object it downloads. */
const OBJECT_TMP = [/^\.tmp-(\d+)-\d+-\d+$/];

/**
 * The cheap sweep, on every mutex acquisition: the repository root (data.lock), .pipe/, .pipe/tmp/
 * (the stat state, written by `status` too, which takes no mutex) and the store's tmp/. With
 * `objects`, after a dead holder was taken over, the object directories too (a download writes
 * its temp file next to the object) and the run cache's (a record is written next to where it
 * goes): a readdir per prefix directory.
 */
export function sweepTemps(root: string, { objects = false }: { objects?: boolean } = {}): number {
  const d = pipeDir(root);
  let n = sweepDir(root, false, ATOMIC) + sweepDir(d.dir, false, ATOMIC) + sweepDir(d.tmp, true, ATOMIC);
  n += sweepStoreTemps(join(d.cache, 'tmp'));
  if (objects) n += sweepDir(join(d.cache, 'files'), true, OBJECT_TMP) + sweepDir(join(d.cache, 'runs'), true, ATOMIC);
  return n;
}

/** The store's tmp/ alone (gc sweeps it too). */
export function sweepStoreTemps(tmp: string): number {
  return sweepDir(tmp, false, STORE_TMP);
}

function sweepDir(dir: string, recursive: boolean, patterns: readonly RegExp[]): number {
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return 0;
  }
  let n = 0;
  for (const e of entries) {
    if (e.isDirectory()) {
      if (recursive) n += sweepDir(join(dir, e.name), true, patterns);
      continue;
    }
    const pid = writerOf(e.name, patterns);
    if (pid === undefined || pid === process.pid || isProcessLive(pid)) continue;
    rmSync(join(dir, e.name), { force: true });
    n++;
  }
  return n;
}

function writerOf(name: string, patterns: readonly RegExp[]): number | undefined {
  for (const re of patterns) {
    const m = re.exec(name);
    if (m) return Number(m[1]);
  }
  return undefined;
}
