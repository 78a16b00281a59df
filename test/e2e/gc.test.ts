/** @module `pipe gc --workspace [--dry]`: removes exactly the objects the current data.lock does not need. */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, rmSync, statSync, utimesSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { hasObject, objectPath, referencedObjects, storedObjects } from '../helpers/cache.js';
import { countRun, makeRepo, ok, removeRepos, template, type Repo } from '../helpers/repo.js';

afterAll(removeRepos);

/** Run-cache entries in the store, as relative paths. */
function runEntries(repo: Repo): string[] {
  const dir = repo.path('.pipe/cache/runs');
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => `${e.parentPath}/${e.name}`)
    .sort();
}

/**
 * Added data (data/raw.csv) → prep (param n → feats/, whose shared.txt is the same for every n) → train (feats → model.txt),
 * run with n: 1 and then n: 2, so the first run's model, feats/n.txt and feats manifest are no longer referenced.
 */
const rerun = template(async () => {
  const repo = makeRepo({ 'data/raw.csv': 'a,b\n1,2\n', 'params.yaml': 'n: 1\n' });
  repo.stages({
    prep: {
      cmd: `${countRun('prep')} && mkdir -p feats && cp data/raw.csv feats/shared.txt && grep n: params.yaml > feats/n.txt`,
      deps: ['data/raw.csv'],
      params: ['n'],
      outs: ['feats'],
    },
    train: { cmd: `${countRun('train')} && cat feats/n.txt feats/shared.txt > model.txt`, deps: ['feats'], outs: ['model.txt'] },
  });
  await ok(repo, ['add', 'data/raw.csv']);
  await ok(repo, ['repro']);
  repo.write('params.yaml', 'n: 2\n');
  await ok(repo, ['repro']);
  return repo;
});

const sha256Hex = (s: string) => createHash('sha256').update(s).digest('hex');

/** What gc should remove: every stored object minus what the current data.lock references (with the files of its directories). */
function unreferenced(repo: Repo): string[] {
  const refs = referencedObjects(repo, repo.lock());
  return storedObjects(repo).filter((h) => !refs.has(h));
}

/** `sha256:…  SIZE` lines of `gc --dry`. */
function listed(stdout: string): { hash: string; size: number }[] {
  return [...stdout.matchAll(/^(sha256:[0-9a-f]{64}(?:\.dir)?) {2}(\d+)$/gm)].map((m) => ({ hash: m[1] as string, size: Number(m[2]) }));
}

describe('pipe gc', () => {
  it('--workspace --dry lists exactly the unreferenced objects with their sizes, and removes nothing', async () => {
    const repo = await rerun();
    const expected = unreferenced(repo);
    // The first run's model, its feats/n.txt and its feats manifest; feats/shared.txt is still referenced through the new manifest.
    expect(expected).toHaveLength(3);
    const before = storedObjects(repo);
    const runs = runEntries(repo);
    expect(runs).toHaveLength(4);

    const r = await ok(repo, ['gc', '--workspace', '--dry']);
    const lines = listed(r.stdout);
    expect(lines.map((l) => l.hash).sort()).toEqual(expected);
    for (const l of lines) expect(l.size, l.hash).toBe(statSync(objectPath(repo, l.hash)).size);
    const bytes = lines.reduce((s, l) => s + l.size, 0);
    expect(r.stdout).toMatch(new RegExp(`^would remove 3 objects \\(${bytes} B\\) and 2 run-cache entries; kept ${before.length - 3} objects and 2 run-cache entries$`, 'm'));
    expect(storedObjects(repo)).toEqual(before);
    expect(runEntries(repo)).toEqual(runs);
  });

  it('--workspace removes those objects, keeps every object data.lock needs, and checkout still restores the outs', async () => {
    const repo = await rerun();
    const expected = unreferenced(repo);
    const before = storedObjects(repo);
    const needed = before.filter((h) => !expected.includes(h));
    const modelBefore = repo.read('model.txt');

    const r = await ok(repo, ['gc', '--workspace']);
    expect(r.stdout).toMatch(new RegExp(`^removed 3 objects \\(\\d+ B\\) and 2 run-cache entries; kept ${needed.length} objects and 2 run-cache entries$`, 'm'));
    expect(storedObjects(repo)).toEqual(needed);
    for (const h of expected) expect(hasObject(repo, h), h).toBe(false);
    // Everything the lock refers to that is stored is still there, manifests' files included.
    for (const h of referencedObjects(repo, repo.lock())) if (before.includes(h)) expect(hasObject(repo, h), h).toBe(true);
    expect(runEntries(repo)).toHaveLength(2);

    rmSync(repo.path('feats'), { recursive: true });
    rmSync(repo.path('model.txt'));
    rmSync(repo.path('data/raw.csv'));
    const co = await ok(repo, ['checkout']);
    expect(co.stdout).toBe('3 linked (hardlink), 0 unchanged, 0 removed\n');
    expect(repo.read('model.txt')).toBe(modelBefore);
    expect(repo.read('feats/n.txt')).toBe('n: 2\n');
    expect(repo.read('data/raw.csv')).toBe('a,b\n1,2\n');
    const again = await ok(repo, ['repro']);
    expect(again.stdout).toMatch(/Everything is up to date/);

    // The old run's results are gone, so going back to n: 1 runs the stages instead of restoring them.
    repo.write('params.yaml', 'n: 1\n');
    const back = await ok(repo, ['repro']);
    expect(back.stdout).toMatch(/^prep: running because param n changed from 2 to 1$/m);
    expect(repo.count('prep')).toBe(3);
  });

  it('--workspace forgets what the stat state knew of the removed objects, and only those', async () => {
    const repo = await rerun();
    // Objects older than the racy window are remembered when a restore verifies them: restore
    // both param sets, so the state knows the objects gc is about to remove.
    const old = new Date(Date.now() - 3600_000);
    for (const h of storedObjects(repo)) utimesSync(objectPath(repo, h), old, old);
    repo.write('params.yaml', 'n: 1\n');
    await ok(repo, ['repro']);
    repo.write('params.yaml', 'n: 2\n');
    await ok(repo, ['repro']);
    const known = () => {
      const dir = repo.path('.pipe/tmp/state/objects');
      const keys = readdirSync(dir).flatMap((f) => Object.keys((JSON.parse(readFileSync(`${dir}/${f}`, 'utf8')) as { entries: object }).entries));
      return new Set(keys.map((k) => `sha256:${k.replace(/^files\/sha256\/(..)\//, '$1')}`));
    };
    const removed = unreferenced(repo).filter((h) => !h.endsWith('.dir'));
    expect(removed).toHaveLength(2);
    for (const h of removed) expect(known().has(h), h).toBe(true);
    const keptFiles = storedObjects(repo).filter((h) => !h.endsWith('.dir') && !removed.includes(h));

    await ok(repo, ['gc', '--workspace']);
    const after = known();
    for (const h of removed) expect(after.has(h), h).toBe(false);
    for (const h of keptFiles) expect(after.has(h), h).toBe(true);
  });

  it('--workspace drops the stat state of a path that is no longer a dep, out or tracked data, and keeps the others', async () => {
    const repo = makeRepo({ 'in.txt': 'x\n' });
    const gen = (dir: string) => ({ gen: { cmd: `mkdir -p ${dir} && cp in.txt ${dir}/a.txt && cp in.txt ${dir}/b.txt`, deps: ['in.txt'], outs: [dir] } });
    const stateDir = repo.path('.pipe/tmp/state');
    const groupFile = (path: string) => `files-${sha256Hex(path).slice(0, 16)}.json`;
    const paths = () => Object.keys((JSON.parse(readFileSync(`${stateDir}/paths.json`, 'utf8')) as { entries: object }).entries).sort();
    // Files younger than the racy window are not remembered: age them, then let status hash them.
    const settle = async (...rels: string[]) => {
      const old = new Date(Date.now() - 3600_000);
      for (const rel of rels) utimesSync(repo.path(rel), old, old);
      await ok(repo, ['status']);
    };
    repo.stages(gen('old'));
    await ok(repo, ['repro']);
    await settle('in.txt', 'old/a.txt', 'old/b.txt');
    expect(readdirSync(stateDir)).toContain(groupFile('old'));
    expect(paths()).toEqual(['in.txt', 'old']);

    // The out is renamed; once checkout has removed the old one, nothing will hash 'old' again.
    repo.stages(gen('new'));
    await ok(repo, ['repro']);
    await settle('new/a.txt', 'new/b.txt');
    expect((await ok(repo, ['checkout'])).stdout).toMatch(/^removed old \(no longer in data\.lock\)$/m);
    expect(readdirSync(stateDir)).toEqual(expect.arrayContaining([groupFile('old'), groupFile('new')]));

    await ok(repo, ['gc', '--workspace', '--dry']);
    expect(readdirSync(stateDir)).toContain(groupFile('old')); // --dry changes nothing
    await ok(repo, ['gc', '--workspace']);
    expect(readdirSync(stateDir)).not.toContain(groupFile('old'));
    expect(readdirSync(stateDir)).toContain(groupFile('new'));
    expect(paths()).toEqual(['in.txt', 'new']);
    expect((await ok(repo, ['status'])).stdout).toMatch(/^gen: up to date$/m);
  });

  it('--keep-run-cache keeps every run-cache entry and its objects, so an earlier param set is still restored, not run', async () => {
    const repo = await rerun();
    const before = storedObjects(repo);
    const dry = await ok(repo, ['gc', '--workspace', '--keep-run-cache', '--dry']);
    expect(listed(dry.stdout)).toEqual([]);
    const r = await ok(repo, ['gc', '--workspace', '--keep-run-cache']);
    expect(r.stdout).toMatch(/^removed 0 objects \(0 B\) and 0 run-cache entries; kept \d+ objects and 4 run-cache entries$/m);
    expect(storedObjects(repo)).toEqual(before);
    repo.write('params.yaml', 'n: 1\n');
    const back = await ok(repo, ['repro']);
    expect(back.stdout).toMatch(/^prep: restored from run-cache \(param n changed from 2 to 1\), not run$/m);
    expect(repo.count('prep')).toBe(2);
  });

  it('a second gc finds nothing to remove', async () => {
    const repo = await rerun();
    await ok(repo, ['gc', '--workspace']);
    const after = storedObjects(repo);
    const r = await ok(repo, ['gc', '--workspace', '--dry']);
    expect(listed(r.stdout)).toEqual([]);
    expect(r.stdout).toMatch(/^would remove 0 objects \(0 B\) and 0 run-cache entries/m);
    expect(storedObjects(repo)).toEqual(after);
  });

  it('without --workspace exits 2 saying a scope is needed, and removes nothing', async () => {
    const repo = await rerun();
    const before = storedObjects(repo);
    for (const args of [['gc'], ['gc', '--dry']]) {
      const r = await repo.pipe(args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr).toMatch(/--workspace/);
      expect(r.stderr).not.toMatch(/internal error/);
    }
    expect(storedObjects(repo)).toEqual(before);
  });
});
