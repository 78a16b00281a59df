/**
 * @module The experiment queue: one JSON file per queued experiment under .pipe/tmp/queue/, and a
 * claim file (`<id>.claim`, created exclusively, holding the runner's pid) while one runs. No
 * file is ever rewritten in place (atomic writes), so a crash leaves whole files; an entry whose
 * claim names a dead process is queued again by the next start.
 */
import { closeSync, mkdirSync, openSync, readdirSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { pipeDir, writeFileAtomic } from '../../runner/index.js';
import { PipeError } from '../../runner/command/index.js';
import type { ExperimentSpec } from './run-experiment.js';

export interface QueueEntry extends ExperimentSpec {
  /** Sorts in queue order: `<ms>-<n>`. */
  readonly id: string;
  readonly queued: string;
  readonly state: 'queued' | 'failed';
  readonly error?: string;
}

export type QueueState = 'queued' | 'running' | 'failed';

export interface QueueListing extends QueueEntry {
  readonly status: QueueState;
  /** The process running it. */
  readonly pid?: number;
}

export function queueDir(root: string): string {
  return join(pipeDir(root).tmp, 'queue');
}

export function enqueue(root: string, specs: readonly ExperimentSpec[]): QueueEntry[] {
  const dir = queueDir(root);
  mkdirSync(dir, { recursive: true });
  const now = Date.now();
  return specs.map((spec, i) => {
    const entry: QueueEntry = { ...spec, id: `${String(now).padStart(15, '0')}-${String(i).padStart(5, '0')}`, queued: new Date(now).toISOString(), state: 'queued' };
    writeFileAtomic(join(dir, `${entry.id}.json`), `${JSON.stringify(entry, null, 2)}\n`);
    return entry;
  });
}

export function listQueue(root: string): QueueListing[] {
  const dir = queueDir(root);
  let names: string[];
  try {
    names = readdirSync(dir).filter((n) => /^\d+-\d+\.json$/.test(n)).sort();
  } catch {
    return [];
  }
  const out: QueueListing[] = [];
  for (const n of names) {
    let entry: QueueEntry;
    try {
      entry = JSON.parse(readFileSync(join(dir, n), 'utf8')) as QueueEntry;
    } catch {
      continue; // removed meanwhile
    }
    const claim = readClaim(root, entry.id);
    if (claim && isLive(claim)) out.push({ ...entry, status: 'running', pid: claim.pid });
    else out.push({ ...entry, status: entry.state });
  }
  return out;
}

/** Takes the next queued entry for this process (a stale claim of a dead runner is taken over); undefined when none is left. */
export function claimNext(root: string): QueueEntry | undefined {
  for (const e of listQueue(root)) {
    if (e.status !== 'queued') continue;
    const file = claimFile(root, e.id);
    const claim = readClaim(root, e.id);
    if (claim && !isLive(claim)) rmSync(file, { force: true });
    let fd: number;
    try {
      fd = openSync(file, 'wx');
    } catch {
      continue; // another runner took it
    }
    try {
      writeSync(fd, JSON.stringify({ pid: process.pid, host: hostname() }));
    } finally {
      closeSync(fd);
    }
    return e;
  }
  return undefined;
}

/** Done: the entry leaves the queue (its result is its ref). Failed: it stays, marked, with the reason. */
export function finishEntry(root: string, entry: QueueEntry, error?: string): void {
  if (error === undefined) rmSync(join(queueDir(root), `${entry.id}.json`), { force: true });
  else writeFileAtomic(join(queueDir(root), `${entry.id}.json`), `${JSON.stringify({ ...entry, state: 'failed', error }, null, 2)}\n`);
  rmSync(claimFile(root, entry.id), { force: true });
}

/** Interrupted: the entry stays queued for the next start. */
export function releaseClaim(root: string, entry: QueueEntry): void {
  rmSync(claimFile(root, entry.id), { force: true });
}

/** Removes entries by name (or all, or the failed ones); a running entry is refused. */
export function removeEntries(root: string, { names = [], all = false, failed = false }: { names?: readonly string[]; all?: boolean; failed?: boolean }): string[] {
  const listing = listQueue(root);
  for (const n of names) {
    const e = listing.find((x) => x.name === n);
    if (!e) throw new PipeError('EXP_UNKNOWN', `no queued experiment named '${n}'; pipe queue status lists them`, { name: n, candidates: listing.map((x) => x.name) });
    if (e.status === 'running') throw new PipeError('USAGE', `'${n}' is running (pid ${e.pid}); stop its pipe queue start first`, { command: 'queue remove' });
  }
  const gone = listing.filter((e) => e.status !== 'running' && (all || (failed && e.status === 'failed') || names.includes(e.name)));
  for (const e of gone) {
    rmSync(join(queueDir(root), `${e.id}.json`), { force: true });
    rmSync(claimFile(root, e.id), { force: true });
  }
  return gone.map((e) => e.name);
}

function claimFile(root: string, id: string): string {
  return join(queueDir(root), `${id}.claim`);
}

function readClaim(root: string, id: string): { pid: number; host: string } | undefined {
  try {
    const c = JSON.parse(readFileSync(claimFile(root, id), 'utf8')) as { pid: number; host: string };
    return typeof c.pid === 'number' ? c : undefined;
  } catch (err) {
    // Created but not yet written by a live runner: count it as claimed.
    return (err as NodeJS.ErrnoException).code === 'ENOENT' ? undefined : { pid: process.pid, host: hostname() };
  }
}

export function isLive(claim: { pid: number; host?: string }): boolean {
  if (claim.host !== undefined && claim.host !== hostname()) return true;
  try {
    process.kill(claim.pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
