/** @module A directory remote (a local disk or a mounted share): the cache's layout, written by temp file + rename. */
import { createHash, randomBytes } from 'node:crypto';
import { appendFileSync, closeSync, mkdirSync, readFileSync, readdirSync, readlinkSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { mkdir, readdir, rename, rm, stat, unlink } from 'node:fs/promises';
import { hostname } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { PipeError } from '../errors.js';
import { isProcessLive } from '../exec/process-group.js';
import { refusalAdvice, writeRefusal } from '../fs/write-refusal.js';
import type { CopyJob, CopyResult } from '../workers/copy-object.js';
import { NotRegularFile, openRegular, readFull } from '../workers/open-regular.js';
import { WorkQueue } from '../workers/pool.js';
import { ObjectMismatch, ObjectRefused, type Downloaded, type LocalObject, type Remote, type VerifiedDownload } from './remote.js';

/** Threads that copy objects: creating files is the cost on most filesystems, and it overlaps. */
const COPY_THREADS = 4;
/** Objects per message to a copy thread. */
const COPY_BATCH = 32;

/** A writer's record in the cache's tmp/remote-writers/ (see #recordDir). */
const WRITER = /^remote-writer-(\d+)-[0-9a-f]{8}\.json$/;
/** A directory a writer's record lists, relative to the remote's root: the fan-out directories of objects and run entries. */
const FAN_OUT = /^(files\/sha256|runs)\/[0-9a-f]{2}$/;
/** A writer's temp prefix, as #tmpPrefix makes it. */
const PREFIX = /^[^/\\]+-\d+-[0-9a-f]{8}-$/;
/** A temp file's key as a push names it: `.tmp-` and its prefix, then a count (#tempPath) or a thread and a count (copy-object.ts), in a fan-out directory. */
const TEMP_KEY = /^(?:files\/sha256|runs)\/[0-9a-f]{2}\/\.tmp-[^/\\]+-\d+-[0-9a-f]{8}-\d+(?:-\d+)?$/;

let machine: string | undefined;
/**
 * This machine and pid namespace: two containers, or two cloned VMs, may share a hostname and a
 * repository on a mount, and a pid seen dead from one is not dead in the other. Empty without /proc.
 */
export function machineId(): string {
  if (machine === undefined) {
    try {
      machine = createHash('sha256').update(`${readFileSync('/proc/sys/kernel/random/boot_id', 'utf8')}\n${readlinkSync('/proc/self/ns/pid')}`).digest('hex').slice(0, 16);
    } catch {
      machine = '';
    }
  }
  return machine;
}

/** The names in `dir`, none when it cannot be read (not there: no writer ever wrote into it). */
function namesIn(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

/** Removes a writer's record; in a read-only cache it stays, read again next time, with nothing left to remove. */
function rmQuietly(file: string): void {
  try {
    rmSync(file, { force: true });
  } catch {
    // Kept, as above.
  }
}

/**
 * Objects are copied on the worker pool (runner/workers/copy-object.ts): each file is read once
 * (only a regular file, and no more than its expected size), hashed, and written beside its final
 * name only when it matches, then renamed. `defaultJobs` is the number of objects in flight, which
 * keeps those threads fed with batches.
 */
export class DirectoryRemote implements Remote {
  readonly kind = 'directory';
  readonly listsSizes = false;
  readonly defaultJobs = 64;
  readonly #copies = new WorkQueue('copy', { threads: COPY_THREADS, batch: COPY_BATCH });
  readonly name: string;
  readonly where: string;
  readonly #root: string;
  readonly #made = new Set<string>();
  /** Where this process's record of its writes goes (the cache's tmp/remote-writers/), when it has one. */
  readonly #writers: string | undefined;
  /** This process's record, once it writes; and the directories it lists. */
  #record: string | undefined;
  readonly #recorded = new Set<string>();
  /** `<host>-<pid>-<random>-`: several machines may share the directory. */
  readonly #tmpPrefix = `${hostname()}-${process.pid}-${randomBytes(4).toString('hex')}-`;
  #tmpCount = 0;

  /**
   * `root` is absolute; it must exist (a missing directory may be a share that is not mounted).
   * `writers`: the directory (the cache's tmp/remote-writers/) where a writing process keeps its
   * record, and where the records of writers that were killed are found (the temps they left are
   * removed here).
   */
  constructor(name: string, root: string, { writers }: { writers?: string } = {}) {
    this.name = name;
    this.where = root;
    // Normalised (a URL's trailing slash, a `..`): the records of writers compare it, and paths under it are made with join.
    this.#root = resolve(root);
    this.#writers = writers;
    let isDir = false;
    try {
      isDir = statSync(root).isDirectory();
    } catch (err) {
      if (!isMissing(err)) throw this.#failure(err, root);
    }
    if (!isDir) {
      throw new PipeError(
        'REMOTE_FAILED',
        `remote '${name}': directory ${root} does not exist; create it (mkdir -p ${root}), or mount the share it should be on`,
        { remote: name, reason: 'not-found' },
      );
    }
    if (writers) this.#removeDeadWritersTemps(writers);
  }

  async list(prefix: string, jobs: number): Promise<Map<string, number | undefined>> {
    const out = new Map<string, number | undefined>();
    const base = join(this.#root, prefix);
    let subdirs: string[];
    try {
      subdirs = await readdir(base);
    } catch (err) {
      if (isMissing(err)) return out;
      throw this.#failure(err, base);
    }
    // Only the two-hex-digit fan-out directories; anything else in there is not ours.
    const queue = subdirs.filter((d) => /^[0-9a-f]{2}$/.test(d));
    const worker = async () => {
      for (let d = queue.pop(); d !== undefined; d = queue.pop()) {
        let names: string[];
        try {
          names = await readdir(join(base, d));
        } catch (err) {
          if (isMissing(err) || (err as NodeJS.ErrnoException).code === 'ENOTDIR') continue;
          throw this.#failure(err, join(base, d));
        }
        for (const n of names) out.set(`${prefix}${d}/${n}`, undefined);
      }
    };
    await Promise.all(Array.from({ length: Math.max(1, jobs) }, worker));
    return out;
  }

  async head(key: string): Promise<number | undefined> {
    try {
      const st = await stat(join(this.#root, key));
      return st.isFile() ? st.size : undefined;
    } catch (err) {
      if (isMissing(err) || (err as NodeJS.ErrnoException).code === 'ENOTDIR') return undefined;
      throw this.#failure(err, join(this.#root, key));
    }
  }

  async tempFile(key: string): Promise<{ size: number; mtimeMs: number } | undefined> {
    // Only what a push names so: a user's own `.tmp-notes` beside the objects is not one.
    if (!TEMP_KEY.test(key)) return undefined;
    try {
      const st = await stat(join(this.#root, key));
      return st.isFile() ? { size: st.size, mtimeMs: st.mtimeMs } : undefined;
    } catch (err) {
      if (isMissing(err) || (err as NodeJS.ErrnoException).code === 'ENOTDIR') return undefined;
      throw this.#failure(err, join(this.#root, key));
    }
  }

  async upload(key: string, object: LocalObject): Promise<void> {
    const dest = join(this.#root, key);
    this.#recordDir(dirname(dest));
    // No size bound: a cache object longer than its manifest says is corrupt, and its hash says so (ObjectMismatch quarantines it).
    const r = await this.#copy({ src: object.abs, dest, hex: object.hex, mode: 0o444, tmpPrefix: this.#tmpPrefix });
    if (r.state === 'ok') return;
    if (r.state === 'mismatch') throw new ObjectMismatch(object.abs, object.hex, r.actual);
    // The cache's side: the object is not there (any more), or not a file to send.
    if (r.state === 'missing') throw Object.assign(new Error(`ENOENT: no such file, open '${object.abs}'`), { code: 'ENOENT', path: object.abs });
    if (r.state === 'refused') throw Object.assign(new Error(`cannot send ${object.abs}: ${r.problem}`), { path: object.abs });
    throw this.#copyFailure(r, dest, true);
  }

  async downloadVerified(key: string, dest: string, hex: string, mtimeMs: number, size?: number): Promise<VerifiedDownload> {
    const src = join(this.#root, key);
    const r = await this.#copy({ src, dest, hex, mode: 0o444, mtimeMs, ...(size === undefined ? {} : { size }) });
    if (r.state === 'ok') return { state: 'ok', size: r.size };
    if (r.state !== 'error') return r;
    throw this.#copyFailure(r, dest, false);
  }

  async write(key: string, bytes: Uint8Array): Promise<void> {
    const tmp = await this.#tempPath(key);
    try {
      await this.#remoteOp(join(this.#root, key), async () => writeFileSync(tmp, bytes, { mode: 0o444, flag: 'wx' }));
      await this.#publish(tmp, key);
    } finally {
      await rm(tmp, { force: true });
    }
  }

  /** With `maxBytes`, a longer file is refused (ObjectRefused) after reading one byte past it. */
  async download(key: string, dest: string, maxBytes?: number): Promise<Downloaded | undefined> {
    const r = await this.#copy({ src: join(this.#root, key), dest, mode: 0o644, ...(maxBytes === undefined ? {} : { size: maxBytes }) });
    if (r.state === 'ok') return { hex: r.hex, size: r.size };
    if (r.state === 'missing') return undefined;
    if (r.state === 'refused') throw new ObjectRefused(key, r.problem);
    if (r.state === 'mismatch') throw new Error(`unreachable: no hash was asked of ${key}`);
    throw this.#copyFailure(r, dest, false);
  }

  /** Read here, not on a thread: these are small (a run-cache entry, a manifest), and only a regular file, no more than maxBytes. */
  async read(key: string, maxBytes: number): Promise<Uint8Array | undefined> {
    const abs = join(this.#root, key);
    let file: { fd: number; size: number };
    try {
      file = openRegular(abs);
    } catch (err) {
      if (isMissing(err) || (err as NodeJS.ErrnoException).code === 'ENOTDIR') return undefined;
      if (err instanceof NotRegularFile) throw this.#refused(new ObjectRefused(key, `it is ${err.what}, not a regular file`));
      throw this.#failure(err, abs);
    }
    try {
      if (file.size > maxBytes) return undefined;
      const buf = Buffer.allocUnsafe(Math.min(file.size, maxBytes) + 1);
      const n = readFull(file.fd, buf);
      return n > maxBytes ? undefined : buf.subarray(0, n);
    } catch (err) {
      throw this.#failure(err, abs);
    } finally {
      closeSync(file.fd);
    }
  }

  async remove(keys: readonly string[], jobs: number): Promise<void> {
    let next = 0;
    let failure: PipeError | undefined;
    const worker = async () => {
      while (!failure && next < keys.length) {
        const key = keys[next++] as string;
        const abs = join(this.#root, key);
        try {
          await unlink(abs);
        } catch (err) {
          if (isMissing(err) || (err as NodeJS.ErrnoException).code === 'ENOTDIR') continue;
          failure ??= this.#failure(err, abs, { objects: [key], writing: true });
        }
      }
    };
    await Promise.all(Array.from({ length: Math.max(1, Math.min(jobs, keys.length)) }, worker));
    if (failure) throw failure;
  }

  /** Ends this process's record of its writes (they are all done); the copy threads belong to the process's pool (unref'd when idle). */
  close(): void {
    if (this.#record) rmSync(this.#record, { force: true });
    this.#record = undefined;
    this.#recorded.clear();
  }

  /**
   * Before the first temp file goes into `dir`: the directory, in this process's record (created on
   * its first write, with the remote, the temps' prefix, the pid, host and machine). A process
   * killed between writing an object and renaming it leaves the temp on the remote, and nothing
   * would ever remove it; its record names exactly its temps and where they are, and the next
   * pipe to open the remote from this repository on this machine removes them (a readdir per
   * directory listed, after a crash only). No other temp is touched: another machine's, a live
   * writer's, a file the record does not name.
   */
  #recordDir(dir: string): void {
    if (!this.#writers || this.#recorded.has(dir)) return;
    try {
      if (this.#record === undefined) {
        mkdirSync(this.#writers, { recursive: true });
        const record = join(this.#writers, `remote-writer-${process.pid}-${randomBytes(4).toString('hex')}.json`);
        writeFileSync(record, `${JSON.stringify({ remote: this.#root, prefix: this.#tmpPrefix, pid: process.pid, host: hostname(), machine: machineId() })}\n`, { flag: 'wx' });
        this.#record = record;
      }
      appendFileSync(this.#record, `${relative(this.#root, dir)}\n`);
      this.#recorded.add(dir);
    } catch {
      // No record (a read-only cache): the push goes on; a temp it might leave is only not removed for it.
    }
  }

  /** The temps of this remote's writers from this repository and machine whose process is gone (see #recordDir), and their records. */
  #removeDeadWritersTemps(writers: string): void {
    for (const name of namesIn(writers)) {
      const named = WRITER.exec(name);
      if (!named) continue;
      const file = join(writers, name);
      let lines: string[];
      let head: { remote?: unknown; prefix?: unknown; pid?: unknown; host?: unknown; machine?: unknown };
      try {
        lines = readFileSync(file, 'utf8').split('\n');
        head = JSON.parse(lines[0] as string) as typeof head;
      } catch {
        // Killed between creating its record and writing the first line: it had written no temp yet (the line comes
        // first), so there is nothing to remove but the record, once its writer (the pid in its name) is gone.
        const writer = Number(named[1]);
        if (writer !== process.pid && !isProcessLive(writer)) rmQuietly(file);
        continue;
      }
      const { remote, prefix, pid, host } = head;
      if (remote !== this.#root || typeof prefix !== 'string' || !PREFIX.test(prefix) || typeof pid !== 'number') continue;
      if (host !== hostname() || head.machine !== machineId() || pid === process.pid || isProcessLive(pid)) continue;
      // Only the fan-out directories temps go into, by their names under the root (a record is a file anyone can edit).
      let failed = false;
      for (const line of lines.slice(1)) {
        if (!FAN_OUT.test(line)) continue;
        const dir = join(this.#root, line);
        for (const entry of namesIn(dir)) {
          if (!entry.startsWith(`.tmp-${prefix}`)) continue;
          try {
            rmSync(join(dir, entry), { force: true });
          } catch {
            // A read-only remote, say: the record stays, for a later open to try again; the command goes on.
            failed = true;
          }
        }
      }
      if (!failed) rmQuietly(file);
    }
  }

  #copy(job: CopyJob): Promise<CopyResult> {
    return this.#copies.run(job).catch((err: unknown) => ({ state: 'error', message: (err as Error).message }));
  }

  /** Something on the remote that is not an object to read: exit 1, naming it. */
  #refused(r: ObjectRefused): PipeError {
    return new PipeError(
      'REMOTE_FAILED',
      `remote '${this.name}': ${r.key} ${r.problem.replace(/^it /, '')}; remove it from ${this.#root} (push the object again from a cache that has it)`,
      { remote: this.name, reason: 'failed', objects: [r.key] },
      { cause: r },
    );
  }

  /**
   * An error from a copy thread: the remote's fault when it names a path on the remote, else the
   * cache's. A failed write(2) (ENOSPC, EDQUOT) names no path: it is the file being written,
   * `dest`, on the remote when `remoteWrites`. Errors on the cache's side go back as they came, to
   * the caller that knows the cache.
   */
  #copyFailure(r: Extract<CopyResult, { state: 'error' }>, dest: string, remoteWrites: boolean): Error {
    const path = r.path ?? dest;
    const err = Object.assign(new Error(r.message), { code: r.code, path });
    if (path.startsWith(`${this.#root}/`) || path === this.#root) return this.#failure(err, path, { writing: remoteWrites });
    return err;
  }

  /**
   * A temp file next to the object's final name: the rename that publishes it stays inside one
   * directory, and parallel uploads spread over the 256 fan-out directories instead of all
   * creating and renaming in one (whose lock they would queue on). Listings ignore these names.
   */
  async #tempPath(key: string): Promise<string> {
    const dir = dirname(join(this.#root, key));
    await this.#mkdir(dir);
    this.#recordDir(dir);
    return join(dir, `.tmp-${this.#tmpPrefix}${this.#tmpCount++}`);
  }

  /** Renames a complete temp file to its key: readers see the object whole or not at all. */
  async #publish(tmp: string, key: string): Promise<void> {
    const dest = join(this.#root, key);
    await this.#remoteOp(dest, () => rename(tmp, dest));
  }

  async #mkdir(dir: string): Promise<void> {
    if (this.#made.has(dir)) return;
    await this.#remoteOp(dir, () => mkdir(dir, { recursive: true }));
    this.#made.add(dir);
  }

  /** A write to the remote; `path` is named in messages. */
  async #remoteOp<T>(path: string, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      throw this.#failure(err, path, { writing: true });
    }
  }

  #failure(err: unknown, path: string, { objects, writing = false }: { objects?: readonly string[]; writing?: boolean } = {}): PipeError {
    const code = (err as NodeJS.ErrnoException).code;
    const refused = writing ? writeRefusal(err, this.#root) : undefined;
    if (refused) {
      const rel = path.startsWith(`${this.#root}/`) ? path.slice(this.#root.length + 1) : path;
      return new PipeError(
        'REMOTE_FAILED',
        `remote '${this.name}' (${this.#root}) ${refused.state} while writing ${rel}; nothing was left half-written: ${refusalAdvice(refused, this.#root)}`,
        { remote: this.name, reason: refused.kind === 'full' ? 'full' : 'access-denied', ...(objects ? { objects } : {}) },
        { cause: err },
      );
    }
    const why =
      code === 'EACCES' || code === 'EPERM' || code === 'EROFS'
        ? { reason: 'access-denied' as const, text: `permission denied (${code}) on ${path}` }
        : code === 'ENOSPC' || code === 'EDQUOT'
          ? { reason: 'failed' as const, text: `no space left on the device of ${path}` }
          : isMissing(err)
            ? { reason: 'not-found' as const, text: `${path} disappeared (was the share unmounted?)` }
            : { reason: 'failed' as const, text: `${code ?? 'error'} on ${path}: ${(err as Error).message}` };
    return new PipeError('REMOTE_FAILED', `remote '${this.name}': ${why.text}`, { remote: this.name, reason: why.reason, ...(objects ? { objects } : {}) }, { cause: err });
  }
}

function isMissing(err: unknown): boolean {
  return (err as NodeJS.ErrnoException).code === 'ENOENT';
}
