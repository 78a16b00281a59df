/**
 * @module Reads many small git objects (annotated tags) straight from the pack indexes and packs, or
 * loose object files: one binary search and one small read each. isomorphic-git's readObject took
 * ~1–2 ms per object here (1,800 tags: 2–4 s); the registry reads every tag on every command.
 * Anything this reader does not handle (a deltified object, a pack index other than version 2)
 * is left to the caller's fallback.
 */
import { closeSync, openSync, readFileSync, readSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { inflateSync } from 'node:zlib';

export interface RawObject {
  readonly type: 'commit' | 'tree' | 'blob' | 'tag';
  readonly content: Buffer;
}

const TYPES = [undefined, 'commit', 'tree', 'blob', 'tag'] as const;
/** Tags are small: a read this long holds the header and the compressed body of almost all. */
const FIRST_READ = 1024;

interface PackIndex {
  readonly pack: string;
  readonly idx: Buffer;
  readonly count: number;
}

export class ObjectReader {
  readonly #objects: string;
  #indexes: PackIndex[] | undefined;
  readonly #fds = new Map<string, number>();
  #buf: Buffer | undefined;

  constructor(gitdir: string) {
    this.#objects = join(gitdir, 'objects');
  }

  /** The object, or undefined when this reader cannot read it (absent, or stored as a delta). */
  read(oid: string): RawObject | undefined {
    // Packed first: a miss there is a binary search, a miss among loose objects a failed open.
    return this.#readPacked(oid) ?? this.#readLoose(oid);
  }

  close(): void {
    for (const fd of this.#fds.values()) closeSync(fd);
    this.#fds.clear();
  }

  #readLoose(oid: string): RawObject | undefined {
    let raw: Buffer;
    try {
      raw = inflateSync(readFileSync(join(this.#objects, oid.slice(0, 2), oid.slice(2))));
    } catch {
      return undefined;
    }
    const nul = raw.indexOf(0);
    const type = raw.subarray(0, nul).toString('latin1').split(' ')[0];
    if (type !== 'commit' && type !== 'tree' && type !== 'blob' && type !== 'tag') return undefined;
    return { type, content: raw.subarray(nul + 1) };
  }

  #readPacked(oid: string): RawObject | undefined {
    const want = Buffer.from(oid, 'hex');
    for (const ix of this.#packIndexes()) {
      const offset = findOffset(ix, want);
      if (offset === undefined) continue;
      return this.#readAt(ix.pack, offset);
    }
    return undefined;
  }

  #readAt(pack: string, offset: number): RawObject | undefined {
    let fd = this.#fds.get(pack);
    if (fd === undefined) {
      fd = openSync(pack, 'r');
      this.#fds.set(pack, fd);
    }
    this.#buf ??= Buffer.allocUnsafe(FIRST_READ);
    let buf = this.#buf;
    let n = readSync(fd, buf, 0, buf.length, offset);
    let byte = buf[0] ?? 0;
    const typeNo = (byte >> 4) & 7;
    let size = byte & 15;
    let shift = 4;
    let i = 1;
    while (byte & 0x80) {
      byte = buf[i++] ?? 0;
      size += (byte & 0x7f) * 2 ** shift;
      shift += 7;
    }
    const type = TYPES[typeNo];
    if (!type) return undefined; // 6 and 7: deltas
    // zlib never grows data by more than 5 bytes per 16 KiB block plus its 6-byte frame: read the
    // rest when it did not fit, and inflate no more than that (trailing bytes cost inflate time).
    const need = i + size + 16 + 5 * Math.ceil(size / 16384);
    if (n < need && n === buf.length) {
      buf = Buffer.allocUnsafe(need);
      n = readSync(fd, buf, 0, need, offset);
    }
    let content: Buffer;
    try {
      // chunkSize: the output is `size` bytes; the 16 KiB default per call was most of the garbage.
      content = inflateSync(buf.subarray(i, Math.min(n, need)), { finishFlush: 2 /* Z_SYNC_FLUSH: the next object's first bytes are not an error */, chunkSize: Math.max(64, size + 1) });
    } catch {
      return undefined;
    }
    return content.length >= size ? { type, content: content.subarray(0, size) } : undefined;
  }

  #packIndexes(): PackIndex[] {
    if (this.#indexes) return this.#indexes;
    const dir = join(this.#objects, 'pack');
    const found: PackIndex[] = [];
    let names: string[] = [];
    try {
      names = readdirSync(dir).filter((f) => f.endsWith('.idx'));
    } catch {
      // no packs
    }
    for (const name of names) {
      const idx = readFileSync(join(dir, name));
      // Version 2 only: '\377tOc' then 2. Version 1 indexes (git before 1.5.2) are left to the fallback.
      if (idx.readUInt32BE(0) !== 0xff744f63 || idx.readUInt32BE(4) !== 2) continue;
      found.push({ pack: join(dir, name.replace(/\.idx$/, '.pack')), idx, count: idx.readUInt32BE(8 + 255 * 4) });
    }
    this.#indexes = found;
    return found;
  }
}

/** Binary search of a version 2 pack index: the object's offset in its pack, or undefined. */
function findOffset({ idx, count }: PackIndex, oid: Buffer): number | undefined {
  const first = oid[0] ?? 0;
  const fanout = 8;
  let lo = first === 0 ? 0 : idx.readUInt32BE(fanout + (first - 1) * 4);
  let hi = idx.readUInt32BE(fanout + first * 4);
  const names = fanout + 256 * 4;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    const c = idx.compare(oid, 0, 20, names + mid * 20, names + mid * 20 + 20) * -1;
    if (c === 0) {
      const offsets = names + count * 20 + count * 4;
      const off = idx.readUInt32BE(offsets + mid * 4);
      if (!(off & 0x80000000)) return off;
      const large = offsets + count * 4 + (off & 0x7fffffff) * 8;
      return Number(idx.readBigUInt64BE(large));
    }
    if (c < 0) hi = mid;
    else lo = mid + 1;
  }
  return undefined;
}

export interface ParsedTagObject {
  readonly object: string;
  readonly type: string;
  readonly tagger: { readonly name: string; readonly email: string; readonly timestamp: number; readonly timezoneOffset: number };
  readonly message: string;
}

/** The fields of a tag object's text; undefined when it has no tagger (GTO cannot date such a tag either). */
export function parseTagObject(content: Buffer): ParsedTagObject | undefined {
  const text = content.toString('utf8');
  const end = text.indexOf('\n\n');
  const head = end < 0 ? text : text.slice(0, end);
  let message = end < 0 ? '' : text.slice(end + 2);
  const sig = message.indexOf('-----BEGIN PGP SIGNATURE-----');
  if (sig >= 0) message = message.slice(0, sig);
  const field = (k: string) => new RegExp(`^${k} (.*)$`, 'm').exec(head)?.[1];
  const object = field('object');
  const type = field('type');
  const m = /^(.*) <(.*)> (\d+) ([+-])(\d\d)(\d\d)$/.exec(field('tagger') ?? '');
  if (!object || !type || !m) return undefined;
  // `|| 0`: +0000 is 0, not -0 (which a JSON round trip would not keep).
  const offset = (Number(m[5]) * 60 + Number(m[6])) * (m[4] === '-' ? 1 : -1) || 0;
  return { object, type, tagger: { name: m[1] ?? '', email: m[2] ?? '', timestamp: Number(m[3]), timezoneOffset: offset }, message };
}
