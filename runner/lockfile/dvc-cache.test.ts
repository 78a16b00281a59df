import { createHash } from 'node:crypto';
import { lstatSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../../test/helpers/temp-dir.js';
import { ObjectStore } from '../cache/object-store.js';
import { dvcObjectPath, DvcCacheCarrier } from './dvc-cache.js';

const md5 = (s: string) => createHash('md5').update(s).digest('hex');
const sha = (s: string) => createHash('sha256').update(s).digest('hex');

function project(): { root: string; store: ObjectStore; put: (rel: string, bytes: string) => void } {
  const root = tempDir('pipe-dvc-cache-');
  const put = (rel: string, bytes: string) => {
    mkdirSync(dirname(join(root, rel)), { recursive: true });
    writeFileSync(join(root, rel), bytes);
  };
  return { root, store: new ObjectStore(join(root, '.pipe/cache')), put };
}

describe('DvcCacheCarrier', () => {
  it('carries a DVC 3 directory: each file under its sha256, pipe’s manifest for the .dir, counted once', async () => {
    const { root, store, put } = project();
    const files = { 'a.txt': 'alpha\n', 'sub/b.txt': 'beta\n' };
    const entries = Object.entries(files).map(([relpath, text]) => {
      put(dvcObjectPath(md5(text), 'md5'), text);
      return `{"md5": "${md5(text)}", "relpath": "${relpath}"}`;
    });
    const manifest = `[${entries.join(', ')}]`;
    put(dvcObjectPath(`${md5(manifest)}.dir`, 'md5'), manifest);
    const carrier = new DvcCacheCarrier({ root, store });
    const r = await carrier.carry(`${md5(manifest)}.dir`, 'md5');
    expect(r).toMatchObject({ ok: true, size: 11, nfiles: 2 });
    if (!r.ok) return;
    expect(store.verify(r.hash)).toBe(true);
    expect(readFileSync(store.path(`sha256:${sha('beta\n')}`), 'utf8')).toBe('beta\n');
    expect(store.readManifest(r.hash)?.map((e) => [e.relpath, e.hash])).toEqual([['a.txt', sha('alpha\n')], ['sub/b.txt', sha('beta\n')]]);
    expect(carrier.objects).toBe(3);
    await new DvcCacheCarrier({ root, store }).carry(`${md5(manifest)}.dir`, 'md5').then((again) => expect(again).toEqual(r));
  });

  it('carries a DVC 2 object (.dvc/cache/ab/…, text md5 taken with LF line ends) as its bytes', async () => {
    const { root, store, put } = project();
    const text = 'a\r\nb\r\n';
    const legacy = md5('a\nb\n');
    put(`.dvc/cache/${legacy.slice(0, 2)}/${legacy.slice(2)}`, text);
    const r = await new DvcCacheCarrier({ root, store }).carry(legacy, 'md5-dos2unix');
    expect(r).toEqual({ ok: true, hash: `sha256:${sha(text)}`, size: text.length });
  });

  it('reports a corrupt object (and a directory holding it) and stores neither; a missing one is missing', async () => {
    const { root, store, put } = project();
    put(dvcObjectPath(md5('good\n'), 'md5'), 'rotten\n');
    const manifest = `[{"md5": "${md5('good\n')}", "relpath": "g.txt"}]`;
    put(dvcObjectPath(`${md5(manifest)}.dir`, 'md5'), manifest);
    const carrier = new DvcCacheCarrier({ root, store });
    expect(await carrier.carry(md5('good\n'), 'md5')).toEqual({
      ok: false,
      problem: { kind: 'corrupt', object: dvcObjectPath(md5('good\n'), 'md5'), detail: `its content has md5 ${md5('rotten\n')}` },
    });
    expect(await carrier.carry(`${md5(manifest)}.dir`, 'md5')).toMatchObject({ ok: false, problem: { kind: 'corrupt', detail: `its file 'g.txt' (${dvcObjectPath(md5('good\n'), 'md5')}) is corrupt` } });
    expect(store.has(`sha256:${sha('rotten\n')}`)).toBe(false);
    expect(carrier.objects).toBe(0);
    expect(await carrier.carry(md5('absent'), 'md5')).toMatchObject({ ok: false, problem: { kind: 'missing' } });
  });

  it('refuses an object that is a symlink: the store would hold a link to a file that can change (and checkout would put it in the workspace)', async () => {
    const { root, store } = project();
    const outside = join(tempDir('pipe-dvc-cache-outside-'), 'target');
    writeFileSync(outside, 'secret\n');
    const object = dvcObjectPath(md5('secret\n'), 'md5');
    mkdirSync(dirname(join(root, object)), { recursive: true });
    symlinkSync(outside, join(root, object));
    const carrier = new DvcCacheCarrier({ root, store });
    expect(await carrier.carry(md5('secret\n'), 'md5')).toMatchObject({ ok: false, problem: { kind: 'corrupt', object, detail: expect.stringContaining('symlink') } });
    const stored = store.path(`sha256:${sha('secret\n')}`);
    expect(() => lstatSync(stored)).toThrow();
    expect(carrier.objects).toBe(0);
  });

  it('dry: verifies and counts, stores nothing', async () => {
    const { root, store, put } = project();
    put(dvcObjectPath(md5('x\n'), 'md5'), 'x\n');
    const carrier = new DvcCacheCarrier({ root, store, dry: true });
    expect(await carrier.carry(md5('x\n'), 'md5')).toMatchObject({ ok: true });
    expect([carrier.objects, carrier.bytes]).toEqual([1, 2]);
    expect(store.has(`sha256:${sha('x\n')}`)).toBe(false);
  });
});
