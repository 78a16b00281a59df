/**
 * @module DVC's cache (`.dvc/cache`, md5-addressed) carried into pipe's store: each object is read
 * once, its md5 checked against its name and its sha256 taken in the same pass; a directory's
 * `.dir` manifest (`[{"md5", "relpath"}]`) becomes pipe's manifest. A corrupt object is reported
 * and never stored, so nothing DVC computed has to be recomputed or downloaded again.
 */
import { createHash } from 'node:crypto';
import { createReadStream, existsSync, lstatSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { HASH_ALGORITHM } from '../hash/hash-file.js';
import { SMALL_FILE, type Md5Kind } from '../hash/dvc-md5.js';
import { manifestHash, manifestProblem, serializeManifest, type ManifestEntry } from '../hash/manifest.js';
import type { ObjectStore } from '../cache/object-store.js';

/** Why an object could not be carried: absent from DVC's cache, or its bytes do not have its md5. */
export interface CarryProblem {
  readonly kind: 'missing' | 'corrupt';
  /** The DVC object, relative to the repository (`.dvc/cache/files/md5/ab/cdef…`). */
  readonly object: string;
  readonly detail: string;
}

export type Carried =
  | { readonly ok: true; readonly hash: string; readonly size: number; readonly nfiles?: number }
  | { readonly ok: false; readonly problem: CarryProblem };

/** Carries objects from one repository's `.dvc/cache` into `store`, counting what it newly stored. */
export class DvcCacheCarrier {
  readonly #root: string;
  readonly #store: ObjectStore;
  /** Objects (files and manifests) this carrier put in the store, and their bytes. */
  objects = 0;
  bytes = 0;
  /** Every problem met, once per object. */
  readonly problems = new Map<string, CarryProblem>();
  readonly #done = new Map<string, Promise<Carried>>();

  /** Verifies and counts, but stores nothing (`pipe import dvc --dry`). */
  readonly #dry: boolean;

  constructor({ root, store, dry = false }: { root: string; store: ObjectStore; dry?: boolean }) {
    this.#root = root;
    this.#store = store;
    this.#dry = dry;
  }

  /** Whether DVC's cache holds the object at all (it may still be corrupt). */
  has(md5: string, kind: Md5Kind): boolean {
    return existsSync(join(this.#root, dvcObjectPath(md5, kind)));
  }

  /** The object `md5` (`<hex>` or `<hex>.dir`) in pipe's store, with pipe's hash; once per object. */
  carry(md5: string, kind: Md5Kind): Promise<Carried> {
    const key = `${kind}:${md5}`;
    let p = this.#done.get(key);
    if (!p) {
      p = md5.endsWith('.dir') ? this.#carryDir(md5, kind) : this.#carryFile(md5, kind);
      this.#done.set(key, p);
    }
    return p;
  }

  /** Stores a directory's manifest (the workspace's) when every file it names is in the store. */
  storeManifest(entries: readonly ManifestEntry[]): void {
    const text = serializeManifest(entries);
    const hash = `${HASH_ALGORITHM}:${manifestHash(entries)}.dir`;
    if (this.#store.has(hash)) return;
    if (!this.#dry) {
      if (!entries.every((e) => this.#store.has(`${HASH_ALGORITHM}:${e.hash}`))) return;
      this.#store.putManifest(entries);
    }
    this.objects += 1;
    this.bytes += Buffer.byteLength(text);
  }

  #fail(kind: CarryProblem['kind'], object: string, detail: string): Carried {
    const problem = { kind, object, detail };
    if (!this.problems.has(object)) this.problems.set(object, problem);
    return { ok: false, problem };
  }

  async #carryFile(md5: string, kind: Md5Kind): Promise<Carried> {
    const object = dvcObjectPath(md5, kind);
    const abs = join(this.#root, object);
    if (!/^[0-9a-f]{32}$/.test(md5)) return this.#fail('corrupt', object, `'${md5}' is not an md5`);
    if (!existsSync(abs)) return this.#fail('missing', object, 'not in .dvc/cache');
    // DVC writes its objects as files. A symlink would be hard-linked into the store as a link
    // to a file that can change after it was verified (a corrupt object, pushed as it is), and
    // checked out as a link that may lead out of the repository.
    if (!lstatSync(abs).isFile()) return this.#fail('corrupt', object, 'a symlink (or another non-file), not an object DVC wrote: replace it with the file it leads to, or remove it and run dvc pull');
    let digests;
    try {
      digests = await md5AndSha256(abs, kind);
    } catch (err) {
      return this.#fail('corrupt', object, `unreadable: ${(err as Error).message}`);
    }
    if (digests.md5 !== md5) return this.#fail('corrupt', object, `its content has md5 ${digests.md5}`);
    const hash = `${HASH_ALGORITHM}:${digests.sha256}`;
    if (!this.#store.has(hash)) {
      if (!this.#dry) this.#put(abs, hash);
      this.objects += 1;
      this.bytes += digests.size;
    }
    return { ok: true, hash, size: digests.size };
  }

  #put(abs: string, hash: string): void {
    try {
      // DVC's objects are read-only and never rewritten: a hard link shares them without a copy.
      this.#store.putFile(abs, hash, 'link');
    } catch {
      this.#store.putFile(abs, hash, 'copy');
    }
  }

  async #carryDir(md5: string, kind: Md5Kind): Promise<Carried> {
    const object = dvcObjectPath(md5, kind);
    const hex = md5.slice(0, -'.dir'.length);
    if (!/^[0-9a-f]{32}$/.test(hex)) return this.#fail('corrupt', object, `'${md5}' is not an md5`);
    let text: string;
    try {
      text = readFileSync(join(this.#root, object), 'utf8');
    } catch {
      return this.#fail('missing', object, 'not in .dvc/cache');
    }
    const got = createHash('md5').update(text).digest('hex');
    if (got !== hex) return this.#fail('corrupt', object, `its content has md5 ${got}`);
    let list: unknown;
    try {
      list = JSON.parse(text);
    } catch {
      return this.#fail('corrupt', object, 'not a JSON list');
    }
    if (!Array.isArray(list) || list.some((e) => typeof e?.md5 !== 'string' || typeof e?.relpath !== 'string')) {
      return this.#fail('corrupt', object, 'not a list of {md5, relpath}');
    }
    const entries: ManifestEntry[] = [];
    for (const e of list as { md5: string; relpath: string; isexec?: unknown }[]) {
      const file = await this.carry(e.md5, kind);
      if (!file.ok) return this.#fail(file.problem.kind, object, `its file '${e.relpath}' (${file.problem.object}) is ${file.problem.kind}`);
      // DVC records the exec bit only in some versions (`isexec`); a workspace copy whose bits differ is stored by the caller.
      entries.push({ relpath: e.relpath, hash: file.hash.slice(HASH_ALGORITHM.length + 1), size: file.size, exec: e.isexec === true });
    }
    const problem = manifestProblem(entries);
    if (problem) return this.#fail('corrupt', object, problem);
    const size = entries.reduce((s, e) => s + e.size, 0);
    const hash = `${HASH_ALGORITHM}:${manifestHash(entries)}.dir`;
    this.storeManifest(entries);
    return { ok: true, hash, size, nfiles: entries.length };
  }
}

/** Where DVC keeps an object: `files/md5/ab/cdef…` (DVC 3, `hash: md5`), `ab/cdef…` (DVC 2). */
export function dvcObjectPath(md5: string, kind: Md5Kind): string {
  const rest = `${md5.slice(0, 2)}/${md5.slice(2)}`;
  return kind === 'md5' ? `.dvc/cache/files/md5/${rest}` : `.dvc/cache/${rest}`;
}

/** DVC's md5 of the file (see dvc-md5.ts for the DVC 2 text rule) and pipe's sha256, in one read. */
async function md5AndSha256(abs: string, kind: Md5Kind): Promise<{ md5: string; sha256: string; size: number }> {
  if (kind === 'md5-dos2unix') {
    const { dvcMd5 } = await import('../hash/dvc-md5.js');
    const bytes = readFileSync(abs);
    return { md5: (await dvcMd5(abs, kind)) ?? '', sha256: createHash(HASH_ALGORITHM).update(bytes).digest('hex'), size: bytes.length };
  }
  if (statSync(abs).size <= SMALL_FILE) {
    const bytes = readFileSync(abs);
    return { md5: createHash('md5').update(bytes).digest('hex'), sha256: createHash(HASH_ALGORITHM).update(bytes).digest('hex'), size: bytes.length };
  }
  const md5 = createHash('md5');
  const sha = createHash(HASH_ALGORITHM);
  let size = 0;
  for await (const chunk of createReadStream(abs)) {
    md5.update(chunk as Buffer);
    sha.update(chunk as Buffer);
    size += (chunk as Buffer).length;
  }
  return { md5: md5.digest('hex'), sha256: sha.digest('hex'), size };
}
