/** @module Writes one locked path (a file or a directory, by its hash) as plain files to any directory: objects from the cache, only the missing ones fetched from the remote, every file verified, published by one rename. */
import { randomBytes } from 'node:crypto';
import { lstatSync, mkdirSync, readdirSync, renameSync, rmSync, rmdirSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { loadConfig } from '../config/load-config.js';
import { ObjectStore, parseHash } from '../cache/object-store.js';
import { ObjectVerifier } from '../cache/object-verifier.js';
import { PipeError, isPipeError } from '../errors.js';
import { isProcessLive } from '../exec/process-group.js';
import { refusalAdvice, writeRefusal } from '../fs/write-refusal.js';
import { HASH_ALGORITHM } from '../hash/hash-file.js';
import type { RepoPath } from '../pipeline/pipeline.js';
import { downloadObjects, type DownloadResult } from '../remote/download-objects.js';
import { planObjects } from '../remote/object-plan.js';
import { openRemote } from '../remote/open-remote.js';
import { refuseOutputDir } from './refuse-output-dir.js';
import { ensurePipeDir } from '../repo/pipe-dir.js';
import { ParsedCache } from '../yaml/parsed-cache.js';
import type { CopyJob } from '../workers/copy-object.js';
import { shareBatches } from '../workers/pool.js';

export interface ExportOptions {
  readonly root: string;
  /** The locked path (as data.lock names it), for messages. */
  readonly path: RepoPath;
  /** Its hash in data.lock: `sha256:HEX` for a file, `sha256:HEX.dir` for a directory. */
  readonly hash: string;
  /** The size data.lock gives it: a file download reads no more. */
  readonly size?: number;
  /** Where to write it (absolute). */
  readonly dest: string;
  /** Replace an existing non-empty `dest`. */
  readonly force?: boolean;
  /** `dest` was not given (-o) but derived, for messages. */
  readonly destByDefault?: boolean;
  /** The remote to fetch from (default: the default remote). */
  readonly remote?: string;
  /** What is being exported, for messages (`churn@v1.2.0`). */
  readonly what: string;
  /** How to name the command in messages (`pipe model get`). */
  readonly command: string;
}

export interface Exported {
  readonly files: number;
  readonly bytes: number;
  readonly fetched: { readonly objects: number; readonly bytes: number };
  /** Nothing had to be fetched. */
  readonly fromCache: boolean;
  /** The remote fetched from, when one was. */
  readonly remote?: string;
}

/** Files copied per batch: the main thread takes the first, workers join only when there are more. */
const COPY_BATCH = 64;

export async function exportPath(o: ExportOptions): Promise<Exported> {
  const dest = resolve(o.dest);
  checkDestination(o, dest);
  const dir = ensurePipeDir(o.root);
  const store = new ObjectStore(dir.cache);
  const verifier = new ObjectVerifier(store, join(dir.state, 'objects'));
  const roots = new Map([[o.path, o.hash]]);
  let fetched: DownloadResult | undefined;
  let remoteName: string | undefined;
  try {
    // Objects found corrupt in the cache are moved aside by check() and count as missing.
    const plan = planObjects(store, roots);
    const lacking = [...plan.objects.keys()].filter((h) => verifier.check(h) !== 'ok');
    if (lacking.length || plan.unknownDirs.size) {
      const config = await loadConfig({ root: o.root, cache: new ParsedCache(dir.tmp) });
      const opened = await openRemote({ root: o.root, config, name: o.remote }).catch((err: unknown) => {
        if (!isPipeError(err, 'REMOTE_MISSING')) throw err;
        throw new PipeError('REMOTE_MISSING', `${lackingText(o, lacking.length, plan.unknownDirs.size > 0)}, and ${err.message}`, err.data, { cause: err });
      });
      remoteName = opened.remote.name;
      try {
        fetched = await downloadObjects({ store, verifier, remote: opened.remote, jobs: opened.jobs, roots, sizes: o.size === undefined ? undefined : new Map([[o.hash, o.size]]) });
      } finally {
        opened.remote.close();
      }
      const problem = downloadProblem(o, dest, store, opened.remote.name, fetched);
      if (problem) throw problem;
    }
    const files = filesOf(o, store);
    const bytes = await assemble(o, dest, store, files);
    return { files: files.length, bytes, fetched: { objects: fetched?.fetched ?? 0, bytes: fetched?.bytes ?? 0 }, fromCache: fetched === undefined, ...(remoteName ? { remote: remoteName } : {}) };
  } finally {
    verifier.save();
  }
}

/** Refused before anything is fetched: a destination that holds the repository, lies in .git/ or .pipe/ or behind a symlink out of it, or is not empty (without --force). */
function checkDestination(o: ExportOptions, dest: string): void {
  refuseOutputDir({ root: o.root, dest, command: o.command, byDefault: o.destByDefault ?? false });
  if (!o.force && !isEmptyOrAbsent(dest)) {
    const what = lstatSync(dest).isDirectory() ? 'exists and is not empty' : 'exists';
    throw new PipeError('USAGE', `${o.command}: ${dest} ${what}; pass --force to replace it, or choose another directory with -o DIR`, { command: o.command, flag: '-o' });
  }
}

function isEmptyOrAbsent(p: string): boolean {
  try {
    return lstatSync(p).isDirectory() && readdirSync(p).length === 0;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return true;
    throw err;
  }
}

function lackingText(o: ExportOptions, n: number, manifestUnknown: boolean): string {
  const count = manifestUnknown ? `${n} object${n === 1 ? '' : 's'} (and the files its directory manifest lists)` : `${n} object${n === 1 ? '' : 's'}`;
  return `the cache lacks ${count} that ${o.what} needs (${o.path} ${o.hash.slice(0, 15)}…)`;
}

/** The files to write: relpath ('' for a file artifact), object hash, size, exec bit. */
function filesOf(o: ExportOptions, store: ObjectStore): { rel: string; hash: string; size?: number; exec: boolean }[] {
  const parsed = parseHash(o.hash);
  if (!parsed?.isDir) return [{ rel: '', hash: o.hash, ...(o.size === undefined ? {} : { size: o.size }), exec: false }];
  const entries = store.readManifest(o.hash);
  if (!entries) throw cacheMiss(o, [o.hash]);
  return entries.map((e) => ({ rel: e.relpath, hash: `${HASH_ALGORITHM}:${e.hash}`, size: e.size, exec: e.exec }));
}

/** Objects the remote lacks or sent wrong: named with the file each would have become. */
function downloadProblem(o: ExportOptions, dest: string, store: ObjectStore, remote: string, r: DownloadResult): PipeError | undefined {
  if (!r.rejected.size && !r.missing.size) return undefined;
  const target = new Map<string, string>();
  const parsed = parseHash(o.hash);
  for (const e of parsed?.isDir ? (store.readManifest(o.hash) ?? []) : []) target.set(`${HASH_ALGORITHM}:${e.hash}`, join(dest, e.relpath));
  target.set(o.hash, dest);
  const where = (h: string) => target.get(h) ?? dest;
  const lines = [
    ...[...r.rejected].map(([h, x]) => `  ${h} (for ${where(h)}): ${x.problem}; refused`),
    ...[...r.missing.keys()].map((h) => `  ${h} (for ${where(h)}): not in the remote`),
  ];
  const shown = lines.length > 20 ? [...lines.slice(0, 20), `  … and ${lines.length - 20} more`] : lines;
  const corrupt = r.rejected.size > 0;
  const head = corrupt
    ? `remote '${remote}' sent ${r.rejected.size} object${r.rejected.size === 1 ? '' : 's'} of ${o.what} that ${r.rejected.size === 1 ? 'does' : 'do'} not match ${r.rejected.size === 1 ? 'its name' : 'their names'}${r.missing.size ? ` and lacks ${r.missing.size} more` : ''}:`
    : `remote '${remote}' lacks ${r.missing.size} object${r.missing.size === 1 ? '' : 's'} of ${o.what}:`;
  const next = corrupt ? 'The copy on the remote is damaged: push it again from a machine whose cache has it intact.' : "Push them from the machine that made them ('pipe push').";
  return new PipeError('REMOTE_FAILED', `${head}\n${shown.join('\n')}\nNothing was written to ${dest}. ${next}`, {
    remote,
    reason: corrupt ? 'objects-corrupt' : 'objects-missing',
    objects: [...r.rejected.keys(), ...r.missing.keys()],
  });
}

function cacheMiss(o: ExportOptions, objects: readonly string[]): PipeError {
  return new PipeError('CACHE_MISS', `${objects.length} object${objects.length === 1 ? '' : 's'} of ${o.what} went missing from the cache or no longer match${objects.length === 1 ? 'es' : ''} ${objects.length === 1 ? 'its name' : 'their names'} (${objects.slice(0, 3).join(', ')}${objects.length > 3 ? ', …' : ''}); run ${o.command} again`, {
    missing: [{ path: o.path, objects }],
  });
}

/**
 * Copies (never links: the result is the user's to change) every file into a temp directory
 * beside `dest`, each one verified against its hash as it is read, then renames it to `dest`; an
 * existing `dest` (with --force) is moved aside first and removed after. Returns the bytes written.
 */
async function assemble(o: ExportOptions, dest: string, store: ObjectStore, files: readonly { rel: string; hash: string; size?: number; exec: boolean }[]): Promise<number> {
  const parent = dirname(dest);
  const tag = `${process.pid}-${randomBytes(4).toString('hex')}`;
  const prefix = `.${basename(dest)}.pipe-get-`;
  const tmp = join(parent, `${prefix}${tag}`);
  const jobs: CopyJob[] = files.map((f) => ({ src: store.path(f.hash), dest: f.rel ? join(tmp, f.rel) : tmp, hex: parseHash(f.hash)?.hex ?? '', ...(f.size === undefined ? {} : { size: f.size }), mode: f.exec ? 0o755 : 0o644 }));
  const batches: CopyJob[][] = [];
  for (let i = 0; i < jobs.length; i += COPY_BATCH) batches.push(jobs.slice(i, i + COPY_BATCH));
  let bytes = 0;
  const bad: string[] = [];
  let failure: { code?: string; path?: string; message: string } | undefined;
  try {
    try {
      mkdirSync(parent, { recursive: true });
      removeLeftovers(parent, prefix);
      if (files.some((f) => f.rel)) mkdirSync(tmp);
    } catch (err) {
      throw writeFailure(o, dest, err);
    }
    await shareBatches({
      kind: 'copy',
      batches,
      done: (b, out) =>
        out.forEach((r, i) => {
          const f = files[b * COPY_BATCH + i];
          if (r.state === 'ok') bytes += r.size;
          else if (r.state === 'error') failure ??= r;
          else if (f) bad.push(f.hash);
        }),
    });
    if (failure) throw writeFailure(o, dest, Object.assign(new Error(failure.message), failure));
    if (bad.length) throw cacheMiss(o, bad);
    publish(o, tmp, dest, tag);
    return bytes;
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

/** Temp directories of earlier gets to the same place whose process died (Ctrl-C, a kill): they never became the output. */
function removeLeftovers(parent: string, prefix: string): void {
  for (const name of readdirSync(parent)) {
    const pid = name.startsWith(prefix) ? Number(/^(\d+)-/.exec(name.slice(prefix.length))?.[1]) : NaN;
    if (pid > 0 && !isProcessLive(pid)) rmSync(join(parent, name), { recursive: true, force: true });
  }
}

function publish(o: ExportOptions, tmp: string, dest: string, tag: string): void {
  try {
    renameSync(tmp, dest);
    return;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code !== 'ENOTEMPTY' && code !== 'EEXIST' && code !== 'EISDIR' && code !== 'ENOTDIR') throw writeFailure(o, dest, err);
  }
  // Something is at dest: an empty directory (rename(2) cannot put a file over it), or, with --force, anything.
  if (!o.force) {
    if (!isEmptyOrAbsent(dest)) throw new PipeError('USAGE', `${o.command}: ${dest} was filled while the files were fetched; pass --force to replace it`, { command: o.command, flag: '-o' });
    try {
      rmdirSync(dest);
      renameSync(tmp, dest);
    } catch (err) {
      throw writeFailure(o, dest, err);
    }
    return;
  }
  const aside = join(dirname(dest), `.${basename(dest)}.pipe-old-${tag}`);
  try {
    renameSync(dest, aside);
  } catch (err) {
    throw writeFailure(o, dest, err);
  }
  try {
    renameSync(tmp, dest);
  } catch (err) {
    renameSync(aside, dest); // what was there stays
    throw writeFailure(o, dest, err);
  }
  rmSync(aside, { recursive: true, force: true });
}

/** OUTPUT_WRITE_FAILED, worded by what the disk said (full, read-only, not permitted) when it refused. */
function writeFailure(o: ExportOptions, dest: string, err: unknown): PipeError {
  const e = err as { code?: string; path?: string; message?: string };
  const refused = writeRefusal(err, dirname(dest));
  const why = refused ? `${dirname(dest)} ${refused.state}; ${refusalAdvice(refused, dirname(dest))}` : `${e.code ? `${e.code}: ` : ''}${e.message ?? String(err)}`;
  return new PipeError('OUTPUT_WRITE_FAILED', `${o.command}: cannot write ${dest}: ${why}. Nothing was left half-written.`, { path: e.path ?? dest, errno: refused?.errno ?? e.code ?? 'unknown' }, { cause: err });
}
