/** @module A directory remote (a local disk or a mounted share): the cache's layout, written by temp file + rename. */
import { randomBytes } from 'node:crypto';
import { statSync, writeFileSync } from 'node:fs';
import { copyFile, mkdir, readdir, readFile, rename, rm, stat, unlink } from 'node:fs/promises';
import { hostname } from 'node:os';
import { dirname, join } from 'node:path';
import { PipeError } from '../errors.js';
import { refusalAdvice, writeRefusal } from '../fs/write-refusal.js';
import { hashFileSync } from '../hash/hash-file.js';
import { CopyPool, type CopyResult } from './copy-pool.js';
import { hashFileAsync } from './hash-file-async.js';
import { ObjectMismatch, type Downloaded, type LocalObject, type Remote, type VerifiedDownload } from './remote.js';

/** Above this size a file is hashed in chunks between other work, not in one blocking read. */
const SYNC_HASH_MAX = 16 << 20;

/** Threads that copy objects: creating files is the cost on most filesystems, and it overlaps. */
const COPY_THREADS = 4;

/**
 * Objects are copied by a few worker threads (copy-pool.ts): each file is read once, hashed, and
 * written beside its final name only when it matches, then renamed. `defaultJobs` is the number
 * of objects in flight, which keeps those threads fed with batches.
 */
export class DirectoryRemote implements Remote {
  readonly kind = 'directory';
  readonly listsSizes = false;
  readonly defaultJobs = 64;
  readonly #pool = new CopyPool(COPY_THREADS);
  readonly name: string;
  readonly where: string;
  readonly #root: string;
  readonly #made = new Set<string>();
  /** `<host>-<pid>-<random>-`: several machines may share the directory. */
  readonly #tmpPrefix = `${hostname()}-${process.pid}-${randomBytes(4).toString('hex')}-`;
  #tmpCount = 0;

  /** `root` is absolute; it must exist (a missing directory may be a share that is not mounted). */
  constructor(name: string, root: string) {
    this.name = name;
    this.where = root;
    this.#root = root;
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

  async upload(key: string, object: LocalObject): Promise<void> {
    const dest = join(this.#root, key);
    const r = await this.#pool.copy({ src: object.abs, dest, hex: object.hex, mode: 0o444 });
    if (r.state === 'ok') return;
    if (r.state === 'mismatch') throw new ObjectMismatch(object.abs, object.hex, r.actual);
    // The cache's side: the object is not there (any more).
    if (r.state === 'missing') throw Object.assign(new Error(`ENOENT: no such file, open '${object.abs}'`), { code: 'ENOENT', path: object.abs });
    throw this.#copyFailure(r, dest, true);
  }

  async downloadVerified(key: string, dest: string, hex: string, mtimeMs: number): Promise<VerifiedDownload> {
    const src = join(this.#root, key);
    const r = await this.#pool.copy({ src, dest, hex, mode: 0o444, mtimeMs });
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

  async download(key: string, dest: string): Promise<Downloaded | undefined> {
    const src = join(this.#root, key);
    try {
      await copyFile(src, dest);
    } catch (err) {
      if ((isMissing(err) || (err as NodeJS.ErrnoException).code === 'ENOTDIR') && (err as NodeJS.ErrnoException).path === src) return undefined;
      if ((err as NodeJS.ErrnoException).path === src) throw this.#failure(err, src);
      throw err;
    }
    const size = statSync(dest).size;
    const hex = size <= SYNC_HASH_MAX ? hashFileSync(dest, size) : await hashFileAsync(dest);
    return { hex, size };
  }

  async read(key: string, maxBytes: number): Promise<Uint8Array | undefined> {
    const abs = join(this.#root, key);
    try {
      const size = (await stat(abs)).size;
      if (size > maxBytes) return undefined;
      return await readFile(abs);
    } catch (err) {
      if (isMissing(err) || (err as NodeJS.ErrnoException).code === 'ENOTDIR') return undefined;
      throw this.#failure(err, abs);
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

  close(): void {
    this.#pool.close();
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
