import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { objectKey } from '../../cache/object-store.js';
import { serializeManifest } from '../../hash/manifest.js';
import { DirectoryRemote } from '../../remote/local.js';
import type { Remote } from '../../remote/remote.js';
import { runKey } from '../../run-cache/run-cache.js';
import { STALE_TEMP_MS, planCloudGc, readRemoteContents, removeFromRemote } from './gc-cloud.js';
import { referencedObjects } from './referenced.js';

const made: string[] = [];
afterEach(() => {
  for (const d of made.splice(0)) rmSync(d, { recursive: true, force: true });
});

const hex = (s: string) => createHash('sha256').update(s).digest('hex');

/** A real directory remote whose remove() calls are recorded. */
function recordedRemote(): { remote: Remote; root: string; calls: string[][] } {
  const root = mkdtempSync(join(tmpdir(), 'pipe-gc-unit-'));
  made.push(root);
  const real = new DirectoryRemote('d', root);
  const calls: string[][] = [];
  const remote = new Proxy(real, {
    get(target, prop) {
      if (prop === 'remove') {
        return async (keys: readonly string[], jobs: number) => {
          calls.push([...keys]);
          await target.remove(keys, jobs);
        };
      }
      const v = Reflect.get(target, prop, target) as unknown;
      return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
    },
  });
  return { remote, root, calls };
}

/** A remote holding one directory (manifest + two files) and the run-cache entry that produced it, plus one entry that is not JSON. */
async function filled(remote: Remote) {
  const files = ['one', 'two'].map((text, i) => ({ text, hash: `sha256:${hex(text)}`, relpath: `f${i}` }));
  for (const f of files) await remote.write(objectKey(f.hash), Buffer.from(f.text));
  const manifest = serializeManifest(files.map((f) => ({ relpath: f.relpath, hash: hex(f.text), size: f.text.length, exec: false })));
  const dir = `sha256:${hex(manifest)}.dir`;
  await remote.write(objectKey(dir), Buffer.from(manifest));
  const fp = hex('run');
  await remote.write(runKey(fp), Buffer.from(JSON.stringify({ stage: 'prep', outs: [{ path: 'feats', hash: dir, size: 6, nfiles: 2 }] })));
  const junk = hex('junk');
  await remote.write(runKey(junk), Buffer.from('not json'));
  return { files: files.map((f) => f.hash), dir, manifest, fp, junk };
}

describe('gc --cloud on a remote', () => {
  it('removes run-cache entries, then manifests, then files: one remove() call per step, in that order', async () => {
    const { remote, root, calls } = recordedRemote();
    const o = await filled(remote);
    const [f0, f1] = o.files as [string, string];
    await removeFromRemote({ remote, jobs: 4, plan: { removedObjects: [{ hash: f0, size: 3 }, { hash: o.dir, size: 1 }, { hash: f1, size: 3 }], removedRuns: [o.fp], removedTemps: [] } });
    expect(calls).toEqual([[runKey(o.fp)], [objectKey(o.dir)], [objectKey(f0), objectKey(f1)]]);
    for (const k of [runKey(o.fp), objectKey(o.dir), objectKey(f0), objectKey(f1)]) expect(existsSync(join(root, k)), k).toBe(false);
    expect(existsSync(join(root, runKey(o.junk)))).toBe(true);
  });

  it('plans from the listing: unreferenced objects with their sizes, entries whose outs are gone, and keeps unreadable entries', async () => {
    const { remote } = recordedRemote();
    const o = await filled(remote);
    const contents = await readRemoteContents({ remote, jobs: 2 });
    expect([...contents.objects.keys()].sort()).toEqual([...o.files, o.dir].sort());
    expect(contents.runs.get(o.junk)).toBeUndefined();
    expect(contents.runs.get(o.fp)?.outs[0]?.hash).toBe(o.dir);

    // Nothing kept: everything goes but the entry gc cannot read.
    const none = referencedObjects(new Map(), () => undefined);
    const all = await planCloudGc({ remote, jobs: 2, contents, referenced: none, roots: new Map(), keepRunCache: false });
    expect(all.removedObjects.map((x) => x.hash)).toEqual([...o.files, o.dir].sort());
    expect(all.freedBytes).toBe(3 + 3 + o.manifest.length);
    expect(all.removedRuns).toEqual([o.fp]);
    expect(all).toMatchObject({ keptObjects: 0, keptRuns: 1, unreadableRuns: 1 });

    // The directory kept: its manifest and files stay, and so does the entry that made it.
    const roots = new Map([[o.dir, 'feats']]);
    const manifests = new Map([[o.dir, JSON.parse(o.manifest) as []]]);
    const kept = await planCloudGc({ remote, jobs: 2, contents, referenced: referencedObjects(roots, (h) => manifests.get(h)), roots, keepRunCache: false });
    expect(kept).toMatchObject({ removedObjects: [], removedRuns: [], keptObjects: 3, keptRuns: 2 });

    // Kept, but its manifest unknown: nothing goes (the manifest is a root, and any file may be one it lists).
    const unknown = referencedObjects(roots, () => undefined);
    const blind = await planCloudGc({ remote, jobs: 2, contents, referenced: unknown, roots, keepRunCache: false });
    expect(blind.removedObjects).toEqual([]);
  });

  it("removes a killed push's temp files unchanged for a day, last, and nothing else that is not an object", async () => {
    const { remote, root, calls } = recordedRemote();
    const o = await filled(remote);
    // Whole seconds, so a file given an age has exactly that mtime (the one a day old is kept: older than, not as old as).
    const now = Math.floor(Date.now() / 1000) * 1000;
    const file = (key: string, bytes: string, ageMs: number) => {
      mkdirSync(join(root, key, '..'), { recursive: true });
      writeFileSync(join(root, key), bytes);
      utimesSync(join(root, key), (now - ageMs) / 1000, (now - ageMs) / 1000);
    };
    const fileDir = objectKey(o.files[0] as string).replace(/\/[^/]+$/, '');
    const runDir = runKey(o.fp).replace(/\/[^/]+$/, '');
    // Another machine's killed push (its own record cannot clean these up): a file's temp and a run-cache entry's.
    file(`${fileDir}/.tmp-elsewhere-41-0a0b0c0d-7`, 'partial', STALE_TEMP_MS + 60_000);
    file(`${runDir}/.tmp-elsewhere-41-0a0b0c0d-8`, '{"sta', STALE_TEMP_MS + 60_000);
    // A push writing right now, an hour-old one, one exactly a day old, and names that are not temps of a push: all kept.
    file(`${fileDir}/.tmp-here-42-01020304-0`, 'writing', 1_000);
    file(`${fileDir}/.tmp-here-42-01020304-1`, 'stalled', 60 * 60_000);
    file(`${fileDir}/.tmp-here-42-01020304-2`, 'a day', STALE_TEMP_MS);
    file(`${fileDir}/notes.txt`, 'a user file', STALE_TEMP_MS * 30);
    file(`${fileDir}/.tmp-notes`, 'a user file named like a temp', STALE_TEMP_MS * 30);
    mkdirSync(join(root, `${fileDir}/.tmp-elsewhere-41-0a0b0c0d-11`));
    file(`files/sha256/.tmp-elsewhere-41-0a0b0c0d-9`, 'not in a fan-out directory', STALE_TEMP_MS * 30);
    file(`files/sha256/zz/.tmp-elsewhere-41-0a0b0c0d-10`, 'not a fan-out directory', STALE_TEMP_MS * 30);

    const contents = await readRemoteContents({ remote, jobs: 2 });
    const roots = new Map([[o.dir, 'feats']]);
    const manifests = new Map([[o.dir, JSON.parse(o.manifest) as []]]);
    const plan = await planCloudGc({ remote, jobs: 2, contents, referenced: referencedObjects(roots, (h) => manifests.get(h)), roots, keepRunCache: false, now });
    const stale = [`${fileDir}/.tmp-elsewhere-41-0a0b0c0d-7`, `${runDir}/.tmp-elsewhere-41-0a0b0c0d-8`].sort();
    expect(plan.removedTemps).toEqual(stale.map((key) => ({ key, size: key.startsWith('runs') ? 5 : 7 })));
    expect(plan).toMatchObject({ removedObjects: [], removedRuns: [], keptObjects: 3, freedBytes: 12 });

    await removeFromRemote({ remote, jobs: 2, plan });
    expect(calls).toEqual([stale]);
    for (const key of stale) expect(existsSync(join(root, key)), key).toBe(false);
    for (const key of [
      `${fileDir}/.tmp-here-42-01020304-0`,
      `${fileDir}/.tmp-here-42-01020304-1`,
      `${fileDir}/.tmp-here-42-01020304-2`,
      `${fileDir}/notes.txt`,
      `${fileDir}/.tmp-notes`,
      `${fileDir}/.tmp-elsewhere-41-0a0b0c0d-11`,
      'files/sha256/.tmp-elsewhere-41-0a0b0c0d-9',
      'files/sha256/zz/.tmp-elsewhere-41-0a0b0c0d-10',
      objectKey(o.dir),
    ])
      expect(existsSync(join(root, key)), key).toBe(true);

    // With objects to remove too, the temps go last, after the files they might have become.
    calls.length = 0;
    file(`${fileDir}/.tmp-elsewhere-41-0a0b0c0d-12`, 'partial', STALE_TEMP_MS + 60_000);
    const none = referencedObjects(new Map(), () => undefined);
    const all = await planCloudGc({ remote, jobs: 2, contents: await readRemoteContents({ remote, jobs: 2 }), referenced: none, roots: new Map(), keepRunCache: false, now });
    await removeFromRemote({ remote, jobs: 2, plan: all });
    expect(calls.map((keys) => keys.length)).toEqual([1, 1, 2, 1]);
    expect(calls.at(-1)).toEqual([`${fileDir}/.tmp-elsewhere-41-0a0b0c0d-12`]);
  });
});
