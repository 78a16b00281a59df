/** @module What a remote is: a place with the cache's key layout (`files/sha256/ab/…`, `runs/ab/…`) that objects move to and from. */

/** A local cache object to upload: its bytes must hash to `hex` (checked while they are read). */
export interface LocalObject {
  readonly abs: string;
  readonly size: number;
  /** SHA-256 of the bytes, hex: the object's name. */
  readonly hex: string;
}

export interface Downloaded {
  /** SHA-256 of the bytes written, hex. */
  readonly hex: string;
  readonly size: number;
  /** The remote had more than `maxBytes` to give: reading stopped there, and the bytes are not the object. */
  readonly tooLong?: true;
}

export type VerifiedDownload =
  | { readonly state: 'ok'; readonly size: number }
  | { readonly state: 'missing' }
  | { readonly state: 'mismatch'; readonly actual: string }
  /** The remote holds something under the key that is not an object to read (not a regular file, longer than `size`). */
  | { readonly state: 'refused'; readonly problem: string };

export interface Remote {
  readonly name: string;
  readonly kind: 'directory' | 's3';
  /** Where it is, for messages: an absolute path or s3://bucket/prefix, never a credential. */
  readonly where: string;
  /** Transfers at once unless -j says otherwise. */
  readonly defaultJobs: number;
  /** Whether `list` gives sizes (a listed object of the wrong size is a partial write by a store that is not atomic). */
  readonly listsSizes: boolean;
  /**
   * Every key under `prefix` (`files/sha256/` or `runs/`), relative to the remote's root, with its
   * size when the listing gives it. Keys are not validated here: callers keep only those that match
   * the object or run patterns.
   */
  list(prefix: string, jobs: number): Promise<Map<string, number | undefined>>;
  /** Size of one object, or undefined when it is absent. */
  head(key: string): Promise<number | undefined>;
  /**
   * A directory remote's temp files (`.tmp-…` beside an object, written and then renamed by a push)
   * are listed among its keys: their size and last change, or undefined when gone or not named as
   * a push names its temps (a user's own `.tmp-notes` there is not one). A store whose
   * writes leave no temp behind (S3: an object appears whole) has no such method.
   */
  tempFile?(key: string): Promise<{ readonly size: number; readonly mtimeMs: number } | undefined>;
  /**
   * Stores `object` under `key` so that the key is either absent or complete. The bytes sent are
   * hashed as they are read; when they do not match `object.hex` nothing is stored and
   * ObjectMismatch is thrown.
   */
  upload(key: string, object: LocalObject): Promise<void>;
  /** Stores small bytes (a run-cache entry) under `key`, atomically. */
  write(key: string, bytes: Uint8Array): Promise<void>;
  /**
   * Writes the object's bytes to `dest` (a new file; the caller renames or removes it) and returns
   * their hash. Undefined when the key does not exist; ObjectRefused when what is there is no
   * object to read (a FIFO, a device). With `maxBytes` (the size the object must have, when
   * known), no more than one byte beyond it is read: a remote that sends more is reported
   * `tooLong`, not read to its end.
   */
  download(key: string, dest: string, maxBytes?: number): Promise<Downloaded | undefined>;
  /**
   * Optional fast path for file objects: copies the object straight to `dest` (its path in the
   * cache) when its bytes hash to `hex` — through a temp file beside `dest` whose mtime is set to
   * `mtimeMs`, then a rename — and reports what happened. Nothing is written on a mismatch. With
   * `size` (from a manifest), no more than that is read.
   */
  downloadVerified?(key: string, dest: string, hex: string, mtimeMs: number, size?: number): Promise<VerifiedDownload>;
  /** A small object's bytes (a run-cache entry, a manifest), or undefined when absent. */
  read(key: string, maxBytes: number): Promise<Uint8Array | undefined>;
  /**
   * Deletes `keys` (one that is not there is no error) in as few requests as the store allows — S3:
   * DeleteObjects, up to 1,000 keys each; a directory: one unlink each — at most `jobs` at once.
   * Keys of one call go in no particular order: a caller that needs an order (a manifest before
   * the files it lists) makes one call per step. REMOTE_FAILED names the keys that could not be
   * deleted; after a failure no further request starts.
   */
  remove(keys: readonly string[], jobs: number): Promise<void>;
  /** Releases connections. */
  close(): void;
}

/** The bytes read from a cache object do not hash to its name: the object is corrupt and was not sent. */
export class ObjectMismatch extends Error {
  constructor(
    readonly abs: string,
    readonly expected: string,
    readonly actual: string,
  ) {
    super(`${abs} hashes to ${actual}, not ${expected}`);
    this.name = 'ObjectMismatch';
  }
}

/** The remote holds something under `key` that is not an object to read (a FIFO, a device, a directory, more bytes than expected): nothing was written. */
export class ObjectRefused extends Error {
  constructor(
    readonly key: string,
    /** Worded after "it": "it is a FIFO, not a regular file". */
    readonly problem: string,
  ) {
    super(`${key}: ${problem}`);
    this.name = 'ObjectRefused';
  }
}
