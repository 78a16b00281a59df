/** @module The object store and the links from it: what `pipe repro` stores, how outs are linked (cache.type), unprotect, in-place writes, an interrupted stage. */
import { appendFileSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, describe, expect, it } from 'vitest';
import { hexOf, objectPath, objectRel, readManifest, readObject, sha256, stat, storedObjects, writable } from '../helpers/cache.js';
import { countRun, makeRepo, ok, removeRepos, type LockedPath, type Repo } from '../helpers/repo.js';

afterAll(removeRepos);

/** The files the `gen` stage writes into its directory out, with their bytes; `Z.txt` sorts before `a.txt` by code unit. */
const DIR_FILES: Record<string, string> = {
  'Z.txt': 'zulu\n',
  'a.txt': 'alpha\n',
  'b.txt': 'beta\n',
  'sub/c.sh': '#!/bin/sh\necho c\n',
};

/** gen (in.txt → one.txt, a directory `out`, and a metric metrics.json that is not cached). */
function genRepo(): Repo {
  const repo = makeRepo({ 'in.txt': 'input bytes\n' });
  const writes = Object.entries(DIR_FILES)
    .map(([rel, text]) => `printf '${text.replaceAll('\n', '\\n')}' > out/${rel}`)
    .join(' && ');
  repo.stages({
    gen: {
      cmd: `${countRun('gen')} && mkdir -p out/sub && ${writes} && chmod +x out/sub/c.sh && cp in.txt one.txt && echo '{"auc": 0.5}' > metrics.json`,
      deps: ['in.txt'],
      outs: ['out', 'one.txt'],
      metrics: ['metrics.json'],
    },
  });
  return repo;
}

function out(repo: Repo, stage: string, path: string): LockedPath {
  const o = repo.lock().stages[stage]?.outs.find((x) => x.path === path);
  if (!o) throw new Error(`no out ${path} of ${stage} in data.lock:\n${repo.read('data.lock')}`);
  return o;
}

describe('object store', () => {
  it('stores each cached out under files/sha256/<2 hex>/<62 hex>, a directory as one object per file plus a sorted manifest; a metric is locked and kept only as a copy for the run-cache', async () => {
    const repo = genRepo();
    await ok(repo, ['repro']);

    const one = out(repo, 'gen', 'one.txt');
    expect(one.hash).toBe(`sha256:${sha256('input bytes\n')}`);
    expect(one.size).toBe(12);
    expect(objectRel(one.hash)).toMatch(/^\.pipe\/cache\/files\/sha256\/[0-9a-f]{2}\/[0-9a-f]{62}$/);
    expect(readObject(repo, one.hash).toString()).toBe('input bytes\n');

    const dir = out(repo, 'gen', 'out');
    expect(dir.hash).toMatch(/^sha256:[0-9a-f]{64}\.dir$/);
    expect(objectRel(dir.hash)).toMatch(/^\.pipe\/cache\/files\/sha256\/[0-9a-f]{2}\/[0-9a-f]{62}\.dir$/);
    // The manifest's own bytes hash to the lock's .dir hash.
    expect(sha256(readObject(repo, dir.hash))).toBe(hexOf(dir.hash));
    const entries = readManifest(repo, dir.hash);
    const rels = Object.keys(DIR_FILES).sort();
    expect(entries.map((e) => e.relpath)).toEqual(rels);
    expect(rels[0]).toBe('Z.txt'); // code-unit order, not locale order
    for (const e of entries) {
      const bytes = DIR_FILES[e.relpath] as string;
      expect(e).toEqual({ relpath: e.relpath, hash: sha256(bytes), size: Buffer.byteLength(bytes), exec: e.relpath === 'sub/c.sh' });
      expect(readObject(repo, `sha256:${e.hash}`).toString()).toBe(bytes);
    }
    expect(dir.nfiles).toBe(4);
    expect(dir.size).toBe(Object.values(DIR_FILES).reduce((s, t) => s + Buffer.byteLength(t), 0));

    const metric = out(repo, 'gen', 'metrics.json');
    expect(metric.hash).toBe(`sha256:${sha256('{"auc": 0.5}\n')}`);
    // The run-cache keeps a copy of the metric: the workspace file is not that object (nor made read-only).
    expect(readObject(repo, metric.hash).toString()).toBe('{"auc": 0.5}\n');
    expect(stat(repo, 'metrics.json').ino).not.toBe(stat(repo, objectRel(metric.hash)).ino);
    expect(writable(stat(repo, 'metrics.json'))).toBe(true);

    // Exactly these objects, nothing else.
    const expected = [one.hash, dir.hash, metric.hash, ...entries.map((e) => `sha256:${e.hash}`)].sort();
    expect(storedObjects(repo)).toEqual(expected);
    for (const h of expected) expect(writable(stat(repo, objectRel(h))), `${h} is read-only`).toBe(false);
    // The executable keeps its exec bit in the store; its object is still read-only.
    const exe = entries.find((e) => e.relpath === 'sub/c.sh') as { hash: string };
    expect(stat(repo, objectRel(`sha256:${exe.hash}`)).mode & 0o100).toBe(0o100);
  });
});

describe('linking outs (cache.type)', () => {
  it('by default (no reflink on this filesystem) cached outs are read-only hardlinks to their objects; metrics stay plain files', async () => {
    const repo = genRepo();
    await ok(repo, ['repro']);
    const one = out(repo, 'gen', 'one.txt');
    const files = readManifest(repo, out(repo, 'gen', 'out').hash);
    const pairs: [string, string][] = [['one.txt', one.hash], ...files.map((e): [string, string] => [`out/${e.relpath}`, `sha256:${e.hash}`])];
    for (const [rel, hash] of pairs) {
      const w = stat(repo, rel);
      const o = stat(repo, objectRel(hash));
      expect(w.ino, rel).toBe(o.ino);
      expect(w.nlink, rel).toBe(2);
      expect(writable(w), rel).toBe(false);
    }
    const m = stat(repo, 'metrics.json');
    expect(m.nlink).toBe(1);
    expect(writable(m)).toBe(true);
    // Checking out again says which link type it used.
    const r = await ok(repo, ['checkout', '--relink']);
    expect(r.stdout).toMatch(/^2 linked \(hardlink\), 0 unchanged, 0 removed$/m);
  });

  it('cache: {type: copy} in .pipe/config.yaml makes outs independent, writable copies; the objects stay read-only', async () => {
    const repo = genRepo();
    repo.write('.pipe/config.yaml', 'cache:\n  type: copy\n');
    await ok(repo, ['repro']);
    const one = out(repo, 'gen', 'one.txt');
    const w = stat(repo, 'one.txt');
    const o = stat(repo, objectRel(one.hash));
    expect(w.ino).not.toBe(o.ino);
    expect(w.nlink).toBe(1);
    expect(o.nlink).toBe(1);
    expect(w.mode & 0o200).toBe(0o200);
    expect(writable(o)).toBe(false);
    expect(repo.read('one.txt')).toBe('input bytes\n');
    const a = readManifest(repo, out(repo, 'gen', 'out').hash).find((e) => e.relpath === 'a.txt') as { hash: string };
    expect(stat(repo, 'out/a.txt').ino).not.toBe(stat(repo, objectRel(`sha256:${a.hash}`)).ino);
    // Writing to the copy leaves the object alone.
    appendFileSync(repo.path('one.txt'), 'more\n');
    expect(readObject(repo, one.hash).toString()).toBe('input bytes\n');
  });

  it('an invalid cache.type exits 2 naming cache.type and the file, and runs nothing', async () => {
    const repo = genRepo();
    repo.write('.pipe/config.yaml', 'cache:\n  type: [teleport]\n');
    const r = await repo.pipe(['repro']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/\.pipe\/config\.yaml.*cache\.type/);
    expect(r.stderr).toMatch(/teleport/);
    expect(r.stderr).not.toMatch(/internal error/);
    expect(repo.count('gen')).toBe(0);
    expect(repo.exists('data.lock')).toBe(false);
  });

  it('.pipe/config.local.yaml overrides .pipe/config.yaml', async () => {
    const repo = genRepo();
    repo.write('.pipe/config.yaml', 'cache:\n  type: [hardlink]\n');
    repo.write('.pipe/config.local.yaml', 'cache:\n  type: [copy]\n');
    await ok(repo, ['repro']);
    const one = out(repo, 'gen', 'one.txt');
    expect(stat(repo, 'one.txt').ino).not.toBe(stat(repo, objectRel(one.hash)).ino);
    expect(stat(repo, 'one.txt').mode & 0o200).toBe(0o200);
  });

  it('PIPE_CACHE_TYPE overrides the config file (and is itself validated)', async () => {
    const repo = genRepo();
    repo.write('.pipe/config.yaml', 'cache:\n  type: [hardlink]\n');
    const bad = await repo.pipe(['repro'], { env: { PIPE_CACHE_TYPE: 'teleport' } });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/PIPE_CACHE_TYPE.*cache\.type/);
    expect(repo.count('gen')).toBe(0);

    await ok(repo, ['repro'], { PIPE_CACHE_TYPE: 'copy' });
    const one = out(repo, 'gen', 'one.txt');
    expect(stat(repo, 'one.txt').ino).not.toBe(stat(repo, objectRel(one.hash)).ino);
    expect(stat(repo, 'one.txt').mode & 0o200).toBe(0o200);
  });

  it('pipe unprotect PATH turns hardlinked outs into writable copies and leaves the objects as they were', async () => {
    const repo = genRepo();
    await ok(repo, ['repro']);
    const one = out(repo, 'gen', 'one.txt');
    const dirHash = out(repo, 'gen', 'out').hash;
    const r = await ok(repo, ['unprotect', 'one.txt', 'out']);
    expect(r.stdout).toMatch(/^one\.txt: 1 file made editable$/m);
    expect(r.stdout).toMatch(/^out: 4 files made editable$/m);

    const w = stat(repo, 'one.txt');
    const o = stat(repo, objectRel(one.hash));
    expect(w.ino).not.toBe(o.ino);
    expect(w.mode & 0o200).toBe(0o200);
    expect(o.nlink).toBe(1);
    expect(writable(o)).toBe(false);
    for (const e of readManifest(repo, dirHash)) {
      const f = stat(repo, `out/${e.relpath}`);
      expect(f.ino).not.toBe(stat(repo, objectRel(`sha256:${e.hash}`)).ino);
      expect(f.mode & 0o200).toBe(0o200);
      expect((f.mode & 0o100) !== 0).toBe(e.exec);
    }
    // Editing the unprotected file does not reach the store.
    appendFileSync(repo.path('one.txt'), 'edited\n');
    expect(readObject(repo, one.hash).toString()).toBe('input bytes\n');
    expect(sha256(readObject(repo, one.hash))).toBe(hexOf(one.hash));
  });
});

describe('exec bits of stored files', () => {
  it('files with identical bytes but different exec bits each keep their own exec bit, and the stage is up to date after its run', async () => {
    const repo = makeRepo();
    repo.stages({
      tools: {
        cmd: `${countRun('tools')} && mkdir -p bin && printf '#!/bin/sh\\necho hi\\n' > bin/a-notes.txt && cp bin/a-notes.txt bin/run.sh && chmod +x bin/run.sh`,
        outs: ['bin'],
      },
    });
    await ok(repo, ['repro']);
    const entries = readManifest(repo, out(repo, 'tools', 'bin').hash);
    expect(entries.map((e) => [e.relpath, e.exec])).toEqual([
      ['a-notes.txt', false],
      ['run.sh', true],
    ]);
    expect(entries[0]?.hash).toBe(entries[1]?.hash);
    // The workspace matches the manifest: the script can still be executed, the notes are not executable.
    expect(stat(repo, 'bin/run.sh').mode & 0o100).toBe(0o100);
    expect(stat(repo, 'bin/a-notes.txt').mode & 0o100).toBe(0);
    const st = await ok(repo, ['status']);
    expect(st.stdout).toMatch(/^tools: up to date$/m);
    const again = await ok(repo, ['repro']);
    expect(again.stdout).toMatch(/^tools: skipped \(up to date\)$/m);
    expect(repo.count('tools')).toBe(1);
  });
});

describe('stages writing to their outs in place', () => {
  it('a persist: true out appended to on every run keeps the object of each earlier run intact', async () => {
    const repo = makeRepo();
    repo.stages({ log: { cmd: `${countRun('log')} && echo x >> out.txt`, outs: [{ 'out.txt': { persist: true } }] } });
    await ok(repo, ['repro']);
    const h1 = out(repo, 'log', 'out.txt').hash;
    expect(readObject(repo, h1).toString()).toBe('x\n');

    await ok(repo, ['repro', '-f']);
    const h2 = out(repo, 'log', 'out.txt').hash;
    await ok(repo, ['repro', '-f']);
    const h3 = out(repo, 'log', 'out.txt').hash;
    expect(repo.count('log')).toBe(3);
    expect(repo.read('out.txt')).toBe('x\nx\nx\n');
    expect(new Set([h1, h2, h3]).size).toBe(3);
    // Each run's object still has the bytes its hash names.
    expect(sha256(readFileSync(objectPath(repo, h1)))).toBe(hexOf(h1));
    expect(readObject(repo, h1).toString()).toBe('x\n');
    expect(readObject(repo, h2).toString()).toBe('x\nx\n');
    expect(readObject(repo, h3).toString()).toBe('x\nx\nx\n');
  });

  it('a non-persist out the stage would overwrite in place is removed before the run, so the stored object cannot change', async () => {
    const repo = makeRepo({ 'v.txt': 'one\n' });
    // If the previous out were still there (a link to the object), dd would overwrite its first byte in place.
    const inPlace = (f: string) => `if [ -f ${f} ]; then printf Z | dd of=${f} bs=1 conv=notrunc 2>/dev/null; else cat v.txt > ${f}; fi`;
    repo.stages({
      w: { cmd: `${countRun('w')} && ${inPlace('w.txt')} && mkdir -p wd && ${inPlace('wd/f.txt')}`, deps: ['v.txt'], outs: ['w.txt', 'wd'] },
    });
    await ok(repo, ['repro']);
    const h1 = out(repo, 'w', 'w.txt').hash;
    const [f1] = readManifest(repo, out(repo, 'w', 'wd').hash);
    await ok(repo, ['repro', '-f']);
    expect(repo.count('w')).toBe(2);
    expect(repo.read('w.txt')).toBe('one\n');
    expect(repo.read('wd/f.txt')).toBe('one\n');
    expect(out(repo, 'w', 'w.txt').hash).toBe(h1);
    expect(readObject(repo, h1).toString()).toBe('one\n');
    expect(readObject(repo, `sha256:${f1?.hash}`).toString()).toBe('one\n');

    repo.write('v.txt', 'two\n');
    await ok(repo, ['repro']);
    expect(repo.read('w.txt')).toBe('two\n');
    expect(readObject(repo, h1).toString()).toBe('one\n');
    expect(sha256(readObject(repo, h1))).toBe(hexOf(h1));
  });
});

/** A stage that writes part of its out, records its process group in slow.pgid, then sleeps (unless PIPE_TEST_SLEEP=0) before finishing the out. */
function slowRepo(): Repo {
  const repo = makeRepo({ 'in.txt': 'in\n' });
  repo.stages({
    first: { cmd: `${countRun('first')} && cp in.txt first.txt`, deps: ['in.txt'], outs: ['first.txt'] },
    // $$ is the stage's shell, the leader of the stage's process group.
    slow: {
      cmd: `${countRun('slow')} && rm -f slow.pgid && echo partial > slow.txt && echo $$ > slow.pgid && sleep \${PIPE_TEST_SLEEP:-30} && echo rest >> slow.txt`,
      deps: ['first.txt'],
      outs: ['slow.txt'],
    },
  });
  return repo;
}

/** Runs `pipe ARGS` until the slow stage is sleeping, kills the stage's process group, and returns pipe's result. */
async function killSlow(repo: Repo, args: string[]) {
  // A pgid file left by an earlier run would name a dead group: wait for this run's own.
  rmSync(repo.path('slow.pgid'), { force: true });
  const p = repo.start(args);
  await p.waitForStdout(/^slow: running because/m);
  for (let i = 0; i < 250 && !repo.exists('slow.pgid'); i++) await sleep(20);
  await sleep(100); // let the shell reach `sleep`
  const pgid = Number(repo.read('slow.pgid').trim());
  expect(pgid).toBeGreaterThan(1);
  process.kill(-pgid, 'SIGKILL');
  return p.done;
}

describe('a stage killed mid-write', () => {
  it('exits 1; the partial out is neither locked nor stored; the next repro finishes and data.lock, outs and store agree', async () => {
    const repo = slowRepo();
    const r = await killSlow(repo, ['repro']);
    expect(r.code, r.stdout + r.stderr).toBe(1);
    expect(r.stdout).toMatch(/^slow: failed after [\d.]+s: was killed by SIGKILL$/m);
    expect(r.stderr).toMatch(/error: stage 'slow' was killed by SIGKILL/);
    expect(repo.read('slow.txt')).toBe('partial\n');

    const lock = repo.lock();
    expect(Object.keys(lock.stages)).toEqual(['first']);
    expect(storedObjects(repo)).not.toContain(`sha256:${sha256('partial\n')}`);
    expect(storedObjects(repo)).toEqual([lock.stages.first?.outs[0]?.hash]);

    const next = await ok(repo, ['repro'], { PIPE_TEST_SLEEP: '0' });
    expect(next.stdout).toMatch(/^first: skipped \(up to date\)$/m);
    expect(next.stdout).toMatch(/^slow: running because/m);
    expect(repo.count('first')).toBe(1);
    expect(repo.count('slow')).toBe(2);
    expect(repo.read('slow.txt')).toBe('partial\nrest\n');
    const slow = out(repo, 'slow', 'slow.txt');
    expect(slow.hash).toBe(`sha256:${sha256('partial\nrest\n')}`);
    expect(readObject(repo, slow.hash).toString()).toBe('partial\nrest\n');
    expect(stat(repo, 'slow.txt').ino).toBe(stat(repo, objectRel(slow.hash)).ino);
    expect(repo.exists('.pipe/cache/tmp') ? readdirSync(repo.path('.pipe/cache/tmp')) : []).toEqual([]);
    const status = await ok(repo, ['status']);
    expect(status.stdout).toMatch(/Everything is up to date/);
  });

  it('killed during a forced re-run: data.lock keeps the earlier run, whose object is intact, and the next repro puts its out back', async () => {
    const repo = slowRepo();
    await ok(repo, ['repro'], { PIPE_TEST_SLEEP: '0' });
    const before = repo.lockBytes();
    const done = out(repo, 'slow', 'slow.txt');

    const r = await killSlow(repo, ['repro', '-f', 'slow']);
    expect(r.code, r.stdout + r.stderr).toBe(1);
    expect(repo.lockBytes()).toEqual(before);
    expect(repo.read('slow.txt')).toBe('partial\n');
    expect(readObject(repo, done.hash).toString()).toBe('partial\nrest\n');
    expect(storedObjects(repo)).not.toContain(`sha256:${sha256('partial\n')}`);

    const st = await ok(repo, ['status']);
    expect(st.stdout).toMatch(/^\s+out slow\.txt modified$/m);
    const next = await ok(repo, ['repro'], { PIPE_TEST_SLEEP: '0' });
    expect(next.stdout).toMatch(/^slow: restored from run-cache \(out slow\.txt modified\), not run$/m);
    expect(repo.count('slow')).toBe(2);
    expect(repo.read('slow.txt')).toBe('partial\nrest\n');
    expect(repo.lockBytes()).toEqual(before);
    expect((await ok(repo, ['status'])).stdout).toMatch(/Everything is up to date/);
  });
});
