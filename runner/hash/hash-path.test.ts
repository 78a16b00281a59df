import { chmodSync, mkdirSync, statSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from '../../test/helpers/temp-dir.js';
import { describe, expect, it } from 'vitest';
import { hashBytes } from './hash-file.js';
import { PathHasher } from './hash-path.js';
import { warmPool } from '../workers/pool.js';
import { hashFiles } from './hash-files.js';
import { StatState } from './stat-state.js';

function tree(files: Record<string, string>): string {
  const root = tempDir('pipe-hash-');
  for (const [p, text] of Object.entries(files)) {
    mkdirSync(join(root, p, '..'), { recursive: true });
    writeFileSync(join(root, p), text);
  }
  return root;
}

const old = new Date(Date.now() - 60_000);
const age = (root: string, ...paths: string[]) => paths.forEach((p) => utimesSync(join(root, p), old, old));
const hasher = (root: string) => new PathHasher(root, new StatState(join(root, '.state')));

describe('PathHasher', () => {
  it('hashes a file as sha256 of its bytes and a directory as sha256 of its sorted manifest', async () => {
    const root = tree({ 'd/b.txt': 'b', 'd/a.txt': 'a', 'd/.hidden': 'h', 'f.txt': 'hello' });
    const h = hasher(root);
    expect(await h.hash('f.txt')).toEqual({ path: 'f.txt', hash: `sha256:${hashBytes('hello')}`, size: 5 });
    const d = await h.hash('d');
    expect(d?.nfiles).toBe(3);
    expect(d?.size).toBe(3);
    expect(d?.manifest?.map((e) => e.relpath).sort()).toEqual(['.hidden', 'a.txt', 'b.txt']);
    const manifest = `[${['.hidden', 'a.txt', 'b.txt']
      .map((r) => JSON.stringify({ relpath: r, hash: hashBytes(r === '.hidden' ? 'h' : r[0] ?? ''), size: 1, exec: false }))
      .join(',\n')}]\n`;
    expect(d?.hash).toBe(`sha256:${hashBytes(manifest)}.dir`);
    expect(await h.hash('missing')).toBeUndefined();
  });

  it('changes a directory hash for a hidden file, an added file and an exec bit', async () => {
    const root = tree({ 'd/a': '1', 'd/.h': '2' });
    const base = (await hasher(root).hash('d'))?.hash;
    writeFileSync(join(root, 'd/.h'), '3');
    const hidden = (await hasher(root).hash('d'))?.hash;
    writeFileSync(join(root, 'd/new'), '');
    const added = (await hasher(root).hash('d'))?.hash;
    chmodSync(join(root, 'd/a'), 0o755);
    const exec = (await hasher(root).hash('d'))?.hash;
    expect(new Set([base, hidden, added, exec]).size).toBe(4);
  });

  it('re-reads a file edited in place to the same size with its mtime put back: ctime moved (as git compares it)', async () => {
    const root = tree({ 'd/a': 'aaaa', 'f': 'ffff' });
    age(root, 'd/a', 'f');
    const first = hasher(root);
    const before = [await first.hash('d'), await first.hash('f')];
    first.saveState();
    const again = hasher(root);
    expect([(await again.hash('d'))?.hash, (await again.hash('f'))?.hash]).toEqual(before.map((b) => b?.hash));
    // Same inode, size and mtime, other bytes: only ctime tells.
    const mtime = statSync(join(root, 'f')).mtime;
    writeFileSync(join(root, 'd/a'), 'bbbb');
    writeFileSync(join(root, 'f'), 'gggg');
    utimesSync(join(root, 'd/a'), mtime, mtime);
    utimesSync(join(root, 'f'), mtime, mtime);
    const second = hasher(root);
    expect((await second.hash('f'))?.hash).toBe(`sha256:${hashBytes('gggg')}`);
    expect((await second.hash('d'))?.hash).not.toBe(before[0]?.hash);
  });

  it('after placing a directory into a store, trusts it next run from the ctimes the hashing threads took, and still sees a later edit', async () => {
    const root = tree({ 'd/a': 'aaaa', 'd/sub/b': 'bbbb', 'd/c': 'cccc' });
    age(root, 'd/a', 'd/sub/b', 'd/c');
    const store = join(root, 'store');
    mkdirSync(store);
    const first = hasher(root);
    const placed = await first.hashWithManifest('d', { placeInto: store });
    expect(placed?.placed).toEqual(['ok', 'ok', 'ok']);
    if (!placed) throw new Error('unreachable');
    // Each file's ctime as it is now (linked, read-only), without walking the directory again.
    expect(placed.placedCtimes).toEqual(placed.manifest?.map((e) => statSync(join(root, 'd', e.relpath)).ctimeMs));
    first.refreshStats(placed);
    first.saveState();
    // Known from the state: no manifest means nothing was read.
    const again = await hasher(root).hash('d');
    expect(again?.hash).toBe(placed.hash);
    expect(again?.manifest).toBeUndefined();
    // An in-place edit of the linked file (same size, mtime put back) moves its ctime: re-read.
    const f = join(root, 'd/c');
    const mtime = statSync(f).mtime;
    chmodSync(f, 0o644);
    writeFileSync(f, 'dddd');
    utimesSync(f, mtime, mtime);
    const third = await hasher(root).hash('d');
    expect(third?.manifest).toBeDefined();
    expect(third?.hash).not.toBe(placed.hash);
  });

  it('does not trust stats of a file modified within the last second (racily clean)', async () => {
    const root = tree({ f: 'one' });
    const h = hasher(root);
    await h.hash('f');
    h.saveState();
    const st = statSync(join(root, 'f'));
    writeFileSync(join(root, 'f'), 'two');
    utimesSync(join(root, 'f'), st.atime, st.mtime);
    expect((await hasher(root).hash('f'))?.hash).toBe(`sha256:${hashBytes('two')}`);
  });

  it('follows symlinks and reports dangling ones by path', async () => {
    const root = tree({ 'target.txt': 'T', 'd/a': 'A' });
    symlinkSync(join(root, 'target.txt'), join(root, 'd/link'));
    const d = await hasher(root).hash('d');
    expect(d?.manifest?.find((e) => e.relpath === 'link')?.hash).toBe(hashBytes('T'));
    symlinkSync(join(root, 'nowhere'), join(root, 'd/broken'));
    await expect(hasher(root).hash('d')).rejects.toThrow("'d/broken' is a dangling symlink");
    const loop = tree({ 'e/x': '1' });
    symlinkSync(join(loop, 'e'), join(loop, 'e/self'));
    await expect(hasher(loop).hash('e')).rejects.toThrow("'e/self' is a symlink cycle");
  });

  it('memoises per run and forgets a path and its parents on invalidate', async () => {
    const root = tree({ 'd/a': '1' });
    const h = hasher(root);
    const first = await h.hash('d');
    writeFileSync(join(root, 'd/a'), '2');
    expect((await h.hash('d'))?.hash).toBe(first?.hash);
    h.invalidate('d/a');
    expect((await h.hash('d'))?.hash).not.toBe(first?.hash);
  });
});

describe('hashFiles', () => {
  it('gives the same digests on worker threads as inline', async () => {
    const root = tree({});
    const files = Array.from({ length: 40 }, (_, i) => {
      const abs = join(root, `f${i}`);
      writeFileSync(abs, Buffer.alloc(2 << 20, i));
      return { abs, size: 2 << 20 };
    });
    const parallel = await hashFiles(files, { threads: 2 });
    const inline = await hashFiles(files, { threads: 1 });
    expect(parallel).toEqual(inline);
    expect(parallel[3]).toBe(hashBytes(Buffer.alloc(2 << 20, 3)));
  });

  it('reuses warmed workers across calls, and a call that fails leaves the next one correct', async () => {
    const root = tree({});
    const files = Array.from({ length: 40 }, (_, i) => {
      const abs = join(root, `f${i}`);
      writeFileSync(abs, Buffer.alloc(1 << 20, i + 7));
      return { abs, size: 1 << 20 };
    });
    await warmPool({ threads: 2 });
    const first = await hashFiles(files, { threads: 2 });
    expect(first[9]).toBe(hashBytes(Buffer.alloc(1 << 20, 16)));
    // A file that vanished: the call fails with its path, whichever thread met it.
    const broken = files.map((f, i) => (i === 30 ? { ...f, abs: join(root, 'gone') } : f));
    await expect(hashFiles(broken, { threads: 2 })).rejects.toThrow(/gone/);
    const again = await hashFiles([...files].reverse(), { threads: 2 });
    expect(again).toEqual([...first].reverse());
  });
});
