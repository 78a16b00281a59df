/** @module push, fetch, pull and repro --pull through a directory remote: three clones of one origin share results without running anything twice. */
import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { hasObject, hexOf, objectPath, sha256, storedObjects } from '../helpers/cache.js';
import { commitAll, git } from '../helpers/git.js';
import { countRun, makeRepo, ok, removeRepos, Repo, template } from '../helpers/repo.js';
import { tempDir } from '../helpers/temp-dir.js';
import { MANY_RUNS } from '../helpers/timeouts.js';

afterAll(removeRepos);

/** Every file of a directory remote under files/ and runs/: key → bytes. */
function remoteFiles(dir: string): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  const walk = (d: string) => {
    if (!existsSync(d)) return;
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else out.set(relative(dir, p), readFileSync(p));
    }
  };
  walk(join(dir, 'files'));
  walk(join(dir, 'runs'));
  return out;
}

/** Each object key names the SHA-256 of its bytes. */
function expectIntact(objects: Map<string, Buffer>): void {
  for (const [key, bytes] of objects) {
    const m = /^files\/sha256\/([0-9a-f]{2})\/([0-9a-f]{62})(\.dir)?$/.exec(key);
    if (!m) continue;
    expect(sha256(bytes), key).toBe(`${m[1]}${m[2]}`);
  }
}

function clone(origin: string): Repo {
  const dir = tempDir('pipe-clone-');
  execFileSync('git', ['clone', '-q', origin, dir]);
  return new Repo(dir);
}

const PIPELINE = {
  prep: {
    cmd: `${countRun('prep')} && rm -rf feats && mkdir -p feats && cp data/raw/*.csv feats/ && grep n: params.yaml > feats/n.txt`,
    deps: ['data/raw'],
    params: ['n'],
    outs: ['feats'],
  },
  train: { cmd: `${countRun('train')} && cat feats/* > model.txt`, deps: ['feats'], outs: ['model.txt'] },
};

/**
 * Clone A of a bare origin: tracked data (`pipe add data/raw`), a two-stage pipeline run once,
 * a directory remote in the committed .pipe/config.yaml, everything pushed (git and pipe).
 */
const shared = template(async () => {
  const origin = tempDir('pipe-origin-');
  execFileSync('git', ['init', '-q', '--bare', origin]);
  const remote = tempDir('pipe-remote-');
  const a = makeRepo({ 'params.yaml': 'n: 1\n', '.gitignore': '/.counts/\n', 'data/raw/a.csv': 'a,1\n', 'data/raw/b.csv': 'b,2\n', 'data/raw/sub/c.csv': 'c,3\n' });
  a.stages(PIPELINE);
  await ok(a, ['add', 'data/raw']);
  await ok(a, ['repro']);
  const added = await ok(a, ['remote', 'add', 'store', remote, '--default']);
  expect(added.stdout).toBe(`added remote 'store' (${remote}) to .pipe/config.yaml; it is the default remote\n`);
  commitAll(a, 'results');
  const branch = git(a, 'rev-parse', '--abbrev-ref', 'HEAD').trim();
  git(a, 'remote', 'add', 'origin', origin);
  git(a, 'push', '-q', 'origin', branch);
  execFileSync('git', ['--git-dir', origin, 'symbolic-ref', 'HEAD', `refs/heads/${branch}`]);
  a.write('.paths.json', JSON.stringify({ origin, remote }));
  return a;
});

/**
 * The first test uses the remote of the committed config as it is; the others each get an
 * empty remote directory of their own, set in their clones' .pipe/config.local.yaml.
 */
async function setup({ own = true }: { own?: boolean } = {}): Promise<{ a: Repo; origin: string; remote: string }> {
  const a = await shared();
  const paths = JSON.parse(a.read('.paths.json')) as { origin: string; remote: string };
  if (!own) return { a, ...paths };
  const remote = tempDir('pipe-remote-');
  await ok(a, ['remote', 'modify', 'store', 'url', remote, '--local']);
  return { a, origin: paths.origin, remote };
}

/** A fresh clone; its local config points at `remote` unless that is the committed one. */
async function cloneWith(origin: string, remote: string): Promise<Repo> {
  const c = clone(origin);
  const committed = (c.read('.pipe/config.yaml').match(/url: (.*)/) ?? [])[1];
  if (committed !== remote) await ok(c, ['remote', 'modify', 'store', 'url', remote, '--local']);
  return c;
}

describe('a directory remote shared by clones', MANY_RUNS, () => {
  it('clone A pushes; fresh clone B pulls and runs nothing; clone C gets everything with repro --pull from the run-cache', async () => {
    const { a, origin, remote } = await setup({ own: false });
    const pushed = await ok(a, ['push']);
    const lock = a.lock();
    const objectsA = storedObjects(a);
    expect(pushed.stdout).toMatch(new RegExp(`^pushed ${objectsA.length} objects \\(\\d+(\\.\\d)? (B|KiB)\\) and 2 run-cache entries to store in \\d+\\.\\d s; 0 already there\\n$`));
    // The remote has the cache's layout and every object intact.
    const onRemote = remoteFiles(remote);
    expect([...onRemote.keys()].filter((k) => k.startsWith('files/')).length).toBe(objectsA.length);
    expect([...onRemote.keys()].filter((k) => k.startsWith('runs/')).length).toBe(2);
    expectIntact(onRemote);

    // Nothing new: nothing moves.
    const again = await ok(a, ['push']);
    expect(again.stdout).toMatch(new RegExp(`^pushed 0 objects \\(0 B\\) to store in \\d+\\.\\d s; ${objectsA.length} already there\\n$`));

    const b = await cloneWith(origin, remote);
    expect(b.exists('model.txt')).toBe(false);
    const pulled = await ok(b, ['pull']);
    expect(pulled.stdout).toMatch(new RegExp(`^fetched ${objectsA.length} objects \\(.*\\) and 2 run-cache entries from store in .*; 0 already in the cache\\n3 linked \\((hardlink|reflink|copy)\\), 0 unchanged, 0 removed\\n$`));
    for (const f of ['model.txt', 'feats/n.txt', 'feats/a.csv', 'feats/b.csv', 'data/raw/sub/c.csv']) expect(b.read(f)).toBe(a.read(f));
    const r = await ok(b, ['repro']);
    expect(r.stdout).toBe('prep: skipped (up to date)\ntrain: skipped (up to date)\nEverything is up to date.\n');
    expect([b.count('prep'), b.count('train')]).toEqual([0, 0]);
    expect(b.lockBytes()?.equals(a.lockBytes() as Buffer)).toBe(true);
    // A second pull moves nothing.
    const again2 = await ok(b, ['pull']);
    expect(again2.stdout).toMatch(new RegExp(`^fetched 0 objects \\(0 B\\) from store in .*; ${objectsA.length} already in the cache\\n0 linked, 3 unchanged, 0 removed\\n$`));

    const c = await cloneWith(origin, remote);
    const rp = await ok(c, ['repro', '--pull']);
    expect(rp.stdout).toMatch(/^prep: restored from run-cache \(out feats missing\), not run$/m);
    expect(rp.stdout).toMatch(/^train: restored from run-cache \(out model\.txt missing\), not run$/m);
    expect(rp.stderr).toMatch(/^prep: fetched \d+ objects \(.*\) from remote 'store'$/m);
    expect([c.count('prep'), c.count('train')]).toEqual([0, 0]);
    expect(c.read('model.txt')).toBe(a.read('model.txt'));
    expect(c.read('data/raw/a.csv')).toBe('a,1\n');
    expect(c.lock()).toEqual(lock);
    expect((await ok(c, ['repro'])).stdout).toMatch(/Everything is up to date\.\n$/);
  });

  it('pull into a clone with a hand-made file at an out path: fetches, reports it, replaces nothing; pull -f replaces it', async () => {
    const { a, origin, remote } = await setup();
    await ok(a, ['push']);
    const b = await cloneWith(origin, remote);
    b.write('model.txt', 'my own model\n');
    const r = await b.pipe(['pull']);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^fetched \d+ objects \(.*\) and 2 run-cache entries from store in .*; 0 already in the cache\n$/);
    expect(r.stderr).toMatch(/^ {2}model\.txt \(the workspace has sha256:[0-9a-f]{12}…; data\.lock has sha256:[0-9a-f]{12}…\)$/m);
    expect(r.stderr).toMatch(/run again with --force to discard the changes\.$/m);
    expect(b.read('model.txt')).toBe('my own model\n');
    expect(b.exists('feats')).toBe(false); // nothing was checked out

    const forced = await ok(b, ['pull', '-f']);
    expect(forced.stdout).toMatch(/^3 linked \((hardlink|reflink|copy)\), 0 unchanged, 0 removed$/m);
    expect(b.read('model.txt')).toBe(a.read('model.txt'));
  });

  it('pull when a cached object turns out corrupt: says what it fetched and what is missing (exit 1); the next pull fetches it again', async () => {
    const { a } = await setup();
    await ok(a, ['push']);
    const model = a.lock().stages.train?.outs.find((o) => o.path === 'model.txt')?.hash as string;
    rmSync(a.path('model.txt'));
    const obj = objectPath(a, model);
    chmodSync(obj, 0o644);
    writeFileSync(obj, 'not the model\n');

    const r = await a.pipe(['pull']);
    expect(r.code).toBe(1);
    expect(r.stderr).not.toMatch(/internal error/);
    expect(r.stdout).toMatch(/^fetched 0 objects \(0 B\) from store in .*; \d+ already in the cache\n0 linked, 2 unchanged, 0 removed\n$/);
    expect(r.stderr).toMatch(new RegExp(`^  model\\.txt: 1 object missing \\(${model}\\)$`, 'm'));
    expect(r.stderr).toMatch(new RegExp(`${model} did not match its content; moved to `));

    const again = await ok(a, ['pull']);
    expect(again.stdout).toMatch(/^fetched 1 objects? \(.*\) from store in .*\n1 linked \((hardlink|reflink|copy)\), 2 unchanged, 0 removed\n$/);
    expect(a.read('model.txt')).not.toBe('not the model\n');
  });

  it('repro --pull restores a stage whose params another clone ran, from the remote run-cache, and runs what nobody ran', async () => {
    const { a, origin, remote } = await setup();
    await ok(a, ['push']);
    // A runs n: 2 as well and pushes those results (data.lock of n: 2 is not committed).
    a.write('params.yaml', 'n: 2\n');
    await ok(a, ['repro']);
    await ok(a, ['push']);
    const model2 = a.read('model.txt');

    const c = await cloneWith(origin, remote);
    await ok(c, ['pull']);
    c.write('params.yaml', 'n: 2\n');
    const rp = await ok(c, ['repro', '--pull']);
    expect(rp.stdout).toMatch(/^prep: restored from run-cache \(param n changed from 1 to 2\), not run$/m);
    expect(rp.stdout).toMatch(/^train: restored from run-cache/m);
    expect(c.read('model.txt')).toBe(model2);
    expect([c.count('prep'), c.count('train')]).toEqual([0, 0]);

    c.write('params.yaml', 'n: 3\n');
    const ran = await ok(c, ['repro', '--pull']);
    expect(ran.stdout).toMatch(/^prep: running because param n changed from 2 to 3$/m);
    expect([c.count('prep'), c.count('train')]).toEqual([1, 1]);
  });

  it('a tampered object on the remote is rejected by fetch, named, and never enters the cache', async () => {
    const { a, origin, remote } = await setup();
    await ok(a, ['push']);
    const hash = a.lock().stages.train?.outs[0]?.hash as string;
    const hex = hash.slice('sha256:'.length);
    const file = join(remote, 'files', 'sha256', hex.slice(0, 2), hex.slice(2));
    chmodSync(file, 0o644);
    // As long as the model (a longer file is refused by its size before its hash is known).
    const tampered = 'X'.repeat(readFileSync(file).length - 1) + '\n';
    writeFileSync(file, tampered);

    const b = await cloneWith(origin, remote);
    const r = await b.pipe(['fetch']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`error: remote 'store' sent 1 object that does not match its name (rejected, not stored):\n  ${hash} (model.txt): its bytes hash to sha256:${sha256(tampered)}; not stored\n`);
    expect(r.stdout).toMatch(/^fetched \d+ objects .* from store/);
    expect(hasObject(b, hash)).toBe(false);
    expect(storedObjects(b).length).toBe(storedObjects(a).length - 1);
    expect(readdirSync(b.path('.pipe/cache/tmp'))).toEqual([]);

    // pull still places what is complete, and fails naming the object.
    const p = await b.pipe(['pull']);
    expect(p.code).toBe(1);
    expect(p.stderr).toContain(hash);
    expect(b.read('feats/n.txt')).toBe('n: 1\n');
    expect(b.exists('model.txt')).toBe(false);
  });

  it('a FIFO or a symlink to /dev/zero where an object should be is refused by name, never read: no hang, nothing stored', async () => {
    const { a, origin, remote } = await setup();
    await ok(a, ['push']);
    const model = a.lock().stages.train?.outs[0]?.hash as string;
    const csv = `sha256:${sha256('a,1\n')}`;
    const onRemote = (hash: string) => join(remote, 'files', 'sha256', hexOf(hash).slice(0, 2), hexOf(hash).slice(2));
    rmSync(onRemote(csv));
    execFileSync('mkfifo', [onRemote(csv)]);
    rmSync(onRemote(model));
    symlinkSync('/dev/zero', onRemote(model));

    const b = await cloneWith(origin, remote);
    // A hang (the FIFO waits for a writer; /dev/zero never ends) is killed, and fails here.
    const p = await b.pipe(['pull'], { timeoutMs: 120_000 });
    expect(p.signal).toBeNull();
    expect(p.code).toBe(1);
    expect(p.stderr).toContain(`error: remote 'store' sent 2 objects that do not match their names (rejected, not stored):\n`);
    expect(p.stderr).toMatch(new RegExp(`^  ${csv} \\([^)]*data/raw[^)]*\\): it is a FIFO, not a regular file; not stored$`, 'm'));
    expect(p.stderr).toContain(`  ${model} (model.txt): it is a character device, not a regular file; not stored\n`);
    expect([hasObject(b, csv), hasObject(b, model)]).toEqual([false, false]);
    // Nothing partial: no temp file in the cache, beside the objects or in its tmp/.
    const leftovers = readdirSync(b.path('.pipe/cache'), { recursive: true, encoding: 'utf8' }).filter((f) => /(^|\/)\.?tmp-|^tmp\/./.test(f));
    expect(leftovers).toEqual([]);
    expect(b.exists('model.txt')).toBe(false);
  }, 180_000);

  it('status --remote lists what the remote lacks and what only it has, downloading nothing', async () => {
    const { a, origin, remote } = await setup();
    const before = await ok(a, ['status', '--remote']);
    expect(before.stdout).toMatch(new RegExp(`^remote 'store' \\(${remote}\\):\\n`));
    expect(before.stdout).toMatch(/^ {4}data\/raw: 4 objects not in the remote$/m);
    expect(before.stdout).toMatch(/^ {4}model\.txt: 1 object not in the remote$/m);
    expect(before.stdout).toMatch(/^ {4}run-cache: 2 entries not in the remote$/m);
    expect(before.stdout).toMatch(/^'pipe push' would send \d+ objects/m);
    await ok(a, ['push', 'train']);
    const partial = await ok(a, ['status', '--remote', '--json']);
    const json = JSON.parse(partial.stdout) as { paths: { path: string; localOnly: string[] }[]; runs: { localOnly: string[] } };
    expect(json.paths.find((p) => p.path === 'model.txt')?.localOnly).toEqual([]);
    expect(json.paths.find((p) => p.path === 'data/raw')?.localOnly.length).toBe(4);
    expect(json.runs.localOnly.length).toBe(1);
    await ok(a, ['push']);
    expect((await ok(a, ['status', '-r', 'store'])).stdout).toMatch(/data\/raw: in sync \(4 objects\)[\s\S]*The remote has everything the workspace references\.\n$/);

    const b = await cloneWith(origin, remote);
    const s = await ok(b, ['status', '--remote']);
    expect(s.stdout).toMatch(/^ {4}data\/raw: 4 objects only in the remote$/m);
    expect(s.stdout).toMatch(/^'pipe pull' would fetch \d+ objects\.$/m);
    expect(storedObjects(b)).toEqual([]);
  });

  it('push names objects that are in neither the cache nor the remote, pushes the rest and exits 1', async () => {
    const { a, remote } = await setup();
    const hash = a.lock().stages.train?.outs[0]?.hash as string;
    rmSync(a.path('model.txt'));
    const hex = hash.slice('sha256:'.length);
    rmSync(a.path(`.pipe/cache/files/sha256/${hex.slice(0, 2)}/${hex.slice(2)}`));
    const r = await a.pipe(['push']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`error: 1 object was not pushed to 'store'`);
    expect(r.stderr).toContain(`  ${hash} (model.txt): not in the cache\n`);
    expect(r.stdout).toMatch(/^pushed \d+ objects .* and 1 run-cache entry to store/);
    // train's run-cache entry stays back: its out is not on the remote.
    expect([...remoteFiles(remote).keys()].filter((k) => k.startsWith('runs/')).length).toBe(1);
  });
});
