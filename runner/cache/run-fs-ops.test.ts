import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../../test/helpers/temp-dir.js';
import { hashBytes } from '../hash/hash-file.js';
import { hashFiles } from '../hash/hash-files.js';
import { runFsOps, type FsOp } from './run-fs-ops.js';

function files(n: number): { root: string; paths: string[] } {
  const root = tempDir('pipe-fs-pool-');
  mkdirSync(join(root, 'src'));
  const paths = Array.from({ length: n }, (_, i) => {
    const p = join(root, 'src', `f${i}`);
    writeFileSync(p, `file ${i}`);
    return p;
  });
  return { root, paths };
}

describe('runFsOps', () => {
  it('links (making directories), chmods, sizes and unlinks on threads, in order, reporting each failure by code', async () => {
    const { root, paths } = files(1200);
    const dest = (i: number) => join(root, 'store', `${i % 7}`, `o${i}`);
    const links: FsOp[] = paths.map((src, i) => ({ op: 'link', src, dest: dest(i), mode: 0o444, mkdir: true }));
    // One already there (EEXIST) and one whose source is gone (ENOENT).
    links.push({ op: 'link', src: paths[0] as string, dest: dest(0), mkdir: true }, { op: 'link', src: join(root, 'nope'), dest: dest(9999), mkdir: true });
    const linked = await runFsOps(links, { threads: 2 });
    expect(linked.slice(0, 1200).every((r) => r.ok)).toBe(true);
    expect(linked.slice(1200).map((r) => (r.ok ? 'ok' : r.code))).toEqual(['EEXIST', 'ENOENT']);
    expect(statSync(dest(1000)).ino).toBe(statSync(paths[1000] as string).ino);
    expect(statSync(dest(1000)).mode & 0o777).toBe(0o444);

    const sizes = await runFsOps(paths.map((_, i) => ({ op: 'lstat', path: dest(i) })), { threads: 2 });
    expect(sizes.map((r) => (r.ok ? r.size : -1))).toEqual(paths.map((_, i) => `file ${i}`.length));

    const gone = await runFsOps([...paths.map((_, i): FsOp => ({ op: 'unlink', path: dest(i) })), { op: 'unlink', path: dest(0) }], { threads: 2 });
    expect(gone.every((r) => r.ok)).toBe(true);
    expect(paths.some((_, i) => existsSync(dest(i)))).toBe(false);
  });
});

describe('hashFiles with placeInto', () => {
  it('links each file into the store layout read-only as soon as it is hashed, on threads as inline', async () => {
    for (const threads of [1, 2]) {
      const root = tempDir('pipe-place-');
      const list = Array.from({ length: 24 }, (_, i) => {
        const abs = join(root, `f${i}`);
        // Two files share bytes: the second link finds the object there (EEXIST).
        writeFileSync(abs, Buffer.alloc(2 << 20, i === 23 ? 0 : i));
        // File 7 stands for one reached through a symlink: hashed, never linked.
        return { abs, size: 2 << 20, exec: i === 5, noLink: i === 7 };
      });
      const store = join(root, 'store');
      const placed: string[] = [];
      const hashes = await hashFiles(list, { threads, placeInto: store, placed });
      expect(hashes[3]).toBe(hashBytes(Buffer.alloc(2 << 20, 3)));
      expect(placed.filter((p) => p === 'ok')).toHaveLength(22);
      expect(placed.filter((p) => p === 'EEXIST')).toHaveLength(1);
      expect(placed[7]).toBe('ESYMLINK');
      const object = (i: number) => join(store, (hashes[i] as string).slice(0, 2), (hashes[i] as string).slice(2));
      expect(statSync(object(3)).ino).toBe(statSync(list[3]?.abs as string).ino);
      expect(statSync(object(3)).mode & 0o777).toBe(0o444);
      expect(statSync(object(5)).mode & 0o777).toBe(0o555);
      expect(existsSync(object(7))).toBe(false);
    }
  });

  it('places a thousand files while reading ahead a store whose directories partly exist', async () => {
    const root = tempDir('pipe-place-many-');
    const store = join(root, 'store');
    // Some fan-out directories exist (one holds an unrelated object), the rest are made by the links.
    for (const d of ['00', '7f', 'ff']) mkdirSync(join(store, d), { recursive: true });
    writeFileSync(join(store, '7f', 'unrelated'), 'x');
    const list = Array.from({ length: 1200 }, (_, i) => {
      const abs = join(root, `f${i}`);
      const bytes = Buffer.alloc(28 << 10, i & 0xff);
      bytes.writeUInt32LE(i, 0);
      writeFileSync(abs, bytes);
      return { abs, size: bytes.length, exec: false };
    });
    const placed: string[] = [];
    const hashes = await hashFiles(list, { threads: 2, placeInto: store, placed });
    expect(placed.filter((p) => p === 'ok')).toHaveLength(1200);
    const object = (i: number) => join(store, (hashes[i] as string).slice(0, 2), (hashes[i] as string).slice(2));
    for (const i of [0, 599, 1199]) {
      expect(statSync(object(i)).ino).toBe(statSync(list[i]?.abs as string).ino);
      expect(statSync(object(i)).mode & 0o777).toBe(0o444);
    }
    expect(readFileSync(join(store, '7f', 'unrelated'), 'utf8')).toBe('x');
  });
});
