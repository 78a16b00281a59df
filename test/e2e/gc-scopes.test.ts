/** @module `pipe gc --all-branches / --all-tags / --all-commits / --all-experiments`: what data.lock references at other commits survives; plain `gc -w` removes it. */
import { mkdirSync, readdirSync, rmSync, utimesSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { hasObject, objectRel, referencedObjects, storedObjects } from '../helpers/cache.js';
import { commitAll, git } from '../helpers/git.js';
import { twoStageRepo } from '../helpers/two-stage-repo.js';
import { makeRepo, ok, removeRepos, template, type DataLock, type Repo } from '../helpers/repo.js';
import { MANY_RUNS } from '../helpers/timeouts.js';

afterAll(removeRepos);

/** `sha256:…  SIZE` lines of `gc --dry` (the cache's, not a remote's). */
function listed(stdout: string): string[] {
  return [...stdout.matchAll(/^(sha256:[0-9a-f]{64}(?:\.dir)?) {2}\d+$/gm)].map((m) => m[1] as string).sort();
}

function lockAt(repo: Repo, rev: string): DataLock {
  return parse(git(repo, 'show', `${rev}:data.lock`)) as DataLock;
}

/** What gc should remove when it keeps the workspace and `revs`: every stored object none of their locks references. */
function unreferencedBy(repo: Repo, revs: string[]): string[] {
  const keep = new Set(referencedObjects(repo, repo.lock()));
  for (const rev of revs) for (const h of referencedObjects(repo, lockAt(repo, rev))) keep.add(h);
  return storedObjects(repo).filter((h) => !keep.has(h));
}

/** The objects only the lock of `rev` references (those of no other version). */
function onlyAt(repo: Repo, rev: string, others: string[]): string[] {
  const mine = referencedObjects(repo, lockAt(repo, rev));
  for (const o of others) for (const h of referencedObjects(repo, lockAt(repo, o))) mine.delete(h);
  return [...mine].filter((h) => hasObject(repo, h)).sort();
}

/**
 * prep (param n → feats/{shared.txt, n.txt}) → train (feats → model.txt), at four versions:
 *   n: 1  commit `old` on main (an ancestor of HEAD, no ref of its own)
 *   n: 2  commit tagged `t2` on a branch since deleted (only the tag reaches it)
 *   n: 3  the tip of branch `side`
 *   n: 4  main's HEAD and the workspace
 * Each version has its own feats manifest, feats/n.txt and model.txt; feats/shared.txt is shared.
 */
const history = template(async () => {
  const repo = twoStageRepo();
  await ok(repo, ['add', 'data/raw.csv']);
  const version = async (n: number, message: string) => {
    repo.write('params.yaml', `n: ${n}\n`);
    await ok(repo, ['repro']);
    commitAll(repo, message);
  };
  await version(1, 'old');
  git(repo, 'checkout', '-q', '-b', 'tmp');
  await version(2, 'tagged');
  git(repo, 'tag', 't2');
  git(repo, 'checkout', '-q', 'main');
  git(repo, 'branch', '-q', '-D', 'tmp');
  git(repo, 'checkout', '-q', '-b', 'side');
  await version(3, 'side');
  git(repo, 'checkout', '-q', 'main');
  await version(4, 'head');
  return repo;
});

const OLD = 'main~1';

describe('pipe gc revision scopes', MANY_RUNS, () => {
  it('--dry with each scope lists exactly what the workspace and those commits do not reference', async () => {
    const repo = await history();
    const before = storedObjects(repo);
    const cases: [string[], string[]][] = [
      [['-w'], []],
      [['-w', '--all-branches'], ['side']],
      [['--all-branches'], ['side']],
      [['-w', '--all-tags'], ['t2']],
      [['--all-branches', '--all-tags'], ['side', 't2']],
      [['-w', '--all-commits'], ['side', 't2', OLD]],
    ];
    for (const [flags, revs] of cases) {
      const r = await ok(repo, ['gc', ...flags, '--dry']);
      expect(listed(r.stdout), flags.join(' ')).toEqual(unreferencedBy(repo, revs));
    }
    // Only -w: the three other versions' manifest, n.txt and model.txt.
    expect(unreferencedBy(repo, [])).toHaveLength(9);
    expect(unreferencedBy(repo, ['side', 't2', OLD])).toEqual([]);
    const all = await ok(repo, ['gc', '-A', '--dry']);
    expect(all.stderr).toMatch(/^kept what the workspace and 4 commits \(4 distinct data\.locks\) reference$/m);
    expect(storedObjects(repo)).toEqual(before);
  });

  it("objects only another branch's data.lock references survive gc -w --all-branches, and plain gc -w removes them", async () => {
    const repo = await history();
    const side = onlyAt(repo, 'side', ['main', 't2', OLD]);
    const tagged = onlyAt(repo, 't2', ['main', 'side', OLD]);
    expect(side).toHaveLength(3);
    const r = await ok(repo, ['gc', '-w', '--all-branches']);
    expect(r.stdout).toMatch(/^removed 6 objects \(\d+ B\) and 4 run-cache entries; kept \d+ objects and 4 run-cache entries$/m);
    for (const h of side) expect(hasObject(repo, h), h).toBe(true);
    for (const h of tagged) expect(hasObject(repo, h), h).toBe(false);

    // The kept run-cache entries restore n: 3 on main instead of running it.
    const back = repo.clone();
    back.write('params.yaml', 'n: 3\n');
    const restored = await ok(back, ['repro']);
    expect(restored.stdout).toMatch(/^prep: restored from run-cache/m);
    expect(back.count('prep')).toBe(4);

    // The side branch checks out from the cache alone.
    git(repo, 'checkout', '-q', 'side');
    rmSync(repo.path('feats'), { recursive: true });
    rmSync(repo.path('model.txt'));
    await ok(repo, ['checkout']);
    expect(repo.read('feats/n.txt')).toBe('n: 3\n');
    git(repo, 'checkout', '-q', 'main');
    await ok(repo, ['checkout']);

    const plain = await ok(repo, ['gc', '-w']);
    expect(plain.stdout).toMatch(/^removed 3 objects \(\d+ B\) and 2 run-cache entries;/m);
    for (const h of side) expect(hasObject(repo, h), h).toBe(false);
    repo.write('params.yaml', 'n: 3\n');
    const rerun = await ok(repo, ['repro']);
    expect(rerun.stdout).toMatch(/^prep: running because param n changed from 4 to 3$/m);
  });

  it('--all-branches keeps remote-tracking branches too (a fresh clone knows dev/test/main only as origin/*)', async () => {
    const repo = await history();
    git(repo, 'update-ref', 'refs/remotes/origin/side', 'side');
    git(repo, 'branch', '-q', '-D', 'side');
    const r = await ok(repo, ['gc', '-w', '--all-branches', '--dry']);
    expect(listed(r.stdout)).toEqual(unreferencedBy(repo, ['origin/side']));
    expect(unreferencedBy(repo, ['origin/side'])).not.toEqual(unreferencedBy(repo, []));
  });

  it('a tag keeps its commit with --all-tags; plain gc -w removes it', async () => {
    const repo = await history();
    const tagged = onlyAt(repo, 't2', ['main', 'side', OLD]);
    const side = onlyAt(repo, 'side', ['main', 't2', OLD]);
    expect(tagged).toHaveLength(3);
    await ok(repo, ['gc', '-w', '--all-tags']);
    for (const h of tagged) expect(hasObject(repo, h), h).toBe(true);
    for (const h of side) expect(hasObject(repo, h), h).toBe(false);
    await ok(repo, ['gc', '-w']);
    for (const h of tagged) expect(hasObject(repo, h), h).toBe(false);
  });

  it('an older commit keeps its objects with --all-commits (and checks out afterwards); plain gc -w removes them', async () => {
    const repo = await history();
    const old = onlyAt(repo, OLD, ['main', 'side', 't2']);
    expect(old).toHaveLength(3);
    const before = storedObjects(repo);
    const r = await ok(repo, ['gc', '-w', '--all-commits']);
    expect(r.stdout).toMatch(/^removed 0 objects \(0 B\) and 0 run-cache entries; kept \d+ objects and 8 run-cache entries$/m);
    expect(storedObjects(repo)).toEqual(before);
    git(repo, 'checkout', '-q', OLD);
    await ok(repo, ['checkout']);
    expect(repo.read('model.txt')).toBe('n: 1\na,b\n1,2\n');
    git(repo, 'checkout', '-q', 'main');
    await ok(repo, ['checkout']);
    await ok(repo, ['gc', '-w']);
    for (const h of old) expect(hasObject(repo, h), h).toBe(false);
  });

  it("an experiment's objects survive gc -w --all-experiments (and apply from the cache); plain gc -w removes them, as DVC's gc -w does", async () => {
    const repo = await history();
    await ok(repo, ['exp', 'run', '-S', 'n=5', '--name', 'five']);
    const ref = git(repo, 'for-each-ref', '--format=%(refname)', 'refs/exps/').trim();
    const exp = onlyAt(repo, ref, ['main', 'side', 't2', OLD]);
    expect(exp).toHaveLength(3);
    const dry = await ok(repo, ['gc', '-w', '-e', '--dry']);
    expect(listed(dry.stdout)).toEqual(unreferencedBy(repo, [ref]));
    await ok(repo, ['gc', '-w', '--all-experiments']);
    for (const h of exp) expect(hasObject(repo, h), h).toBe(true);
    const applied = repo.clone();
    await ok(applied, ['exp', 'apply', 'five']);
    expect(applied.read('feats/n.txt')).toBe('n: 5\n');
    await ok(repo, ['gc', '-w']);
    for (const h of exp) expect(hasObject(repo, h), h).toBe(false);
  });

  it('refuses while an experiment runs (its outs have no ref yet), removing nothing; a dead run’s worktree does not stop it', async () => {
    const repo = await history();
    const before = storedObjects(repo);
    // An experiment's worktree as pipe exp run makes it: <label>-<pid>-<hex>, here of a live process.
    mkdirSync(repo.path(`.pipe/tmp/exps/five-${process.pid}-abcdef`), { recursive: true });
    const r = await repo.pipe(['gc', '-w']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`experiments are running (pid ${process.pid})`);
    expect(storedObjects(repo)).toEqual(before);
    rmSync(repo.path(`.pipe/tmp/exps/five-${process.pid}-abcdef`), { recursive: true });
    mkdirSync(repo.path('.pipe/tmp/exps/five-999999-abcdef'), { recursive: true });
    await ok(repo, ['gc', '-w']);
    expect(storedObjects(repo).length).toBeLessThan(before.length);
  });

  it('a kept directory whose manifest is gone keeps every file object, removes only manifests, and says why', async () => {
    const repo = await history();
    const sideFeats = lockAt(repo, 'side').stages.prep?.outs[0]?.hash as string;
    rmSync(repo.path(objectRel(sideFeats)), { force: true });
    const r = await ok(repo, ['gc', '-w', '--all-branches', '--dry']);
    const expected = unreferencedBy(repo, ['side']).filter((h) => h.endsWith('.dir'));
    expect(expected).toHaveLength(2);
    expect(listed(r.stdout)).toEqual(expected);
    const sideCommit = git(repo, 'rev-parse', 'side').trim().slice(0, 12);
    expect(r.stderr).toContain(`warning: 1 directory that gc keeps has no manifest in the cache, so its files are unknown:\n  feats at ${sideCommit}: ${sideFeats}\n`);
    expect(r.stderr).toMatch(/so gc removes no file object from the cache, only unreferenced directory manifests/);
  });

  it('a commit whose data.lock does not parse keeps every hash written in it, with a warning', async () => {
    const repo = await history();
    const side = onlyAt(repo, 'side', ['main', 't2', OLD]);
    git(repo, 'checkout', '-q', 'side');
    repo.write('data.lock', `<<<<<<< HEAD\n${repo.read('data.lock')}=======\n>>>>>>> other\n`);
    commitAll(repo, 'a conflict committed by mistake');
    git(repo, 'checkout', '-q', 'main');
    const r = await ok(repo, ['gc', '-w', '--all-branches', '--dry']);
    for (const h of side) expect(listed(r.stdout)).not.toContain(h);
    expect(listed(r.stdout)).toHaveLength(6);
    expect(r.stderr).toMatch(/^warning: data\.lock at [0-9a-f]{12} is not valid \(.*\); kept every object hash written in it \(\d+\)$/m);
  });

  it("the stat state of another branch's out survives gc -w --all-branches (switching back re-reads nothing); plain gc -w drops it", async () => {
    const repo = makeRepo({ 'in.txt': 'x\n' });
    const gen = (dir: string) => ({ gen: { cmd: `mkdir -p ${dir} && cp in.txt ${dir}/a.txt`, deps: ['in.txt'], outs: [dir] } });
    const stateFiles = () => readdirSync(repo.path('.pipe/tmp/state')).filter((f) => f.startsWith('files-'));
    const aged = async (...rels: string[]) => {
      const old = new Date(Date.now() - 3600_000);
      for (const rel of rels) utimesSync(repo.path(rel), old, old);
      await ok(repo, ['status']); // remembers them
    };
    repo.stages(gen('side-out'));
    await ok(repo, ['repro']);
    commitAll(repo, 'side');
    git(repo, 'branch', 'side');
    repo.stages(gen('main-out'));
    await ok(repo, ['repro']);
    await ok(repo, ['checkout']); // removes side-out
    commitAll(repo, 'main');
    git(repo, 'checkout', '-q', 'side');
    await ok(repo, ['checkout']);
    await aged('in.txt', 'side-out/a.txt');
    git(repo, 'checkout', '-q', '-');
    await ok(repo, ['checkout']);
    await aged('main-out/a.txt');
    const both = stateFiles();
    expect(both).toHaveLength(2);

    await ok(repo, ['gc', '-w', '--all-branches']);
    expect(stateFiles()).toEqual(both);
    await ok(repo, ['gc', '-w']);
    expect(stateFiles()).toHaveLength(1);
  });

  it('scope errors exit 2 and remove nothing', async () => {
    const repo = await history();
    const before = storedObjects(repo);
    const cases: [string[], RegExp][] = [
      [['gc'], /needs a scope: --workspace/],
      [['gc', '--cloud', '--force'], /needs a scope/],
      [['gc', '-w', '-r', 'origin'], /--remote is for --cloud/],
      [['gc', '-w', '--all-branch'], /Unknown option '--all-branch'/],
    ];
    for (const [args, message] of cases) {
      const r = await repo.pipe(args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr).toMatch(message);
    }
    const outside = makeRepo({ 'pipeline.yaml': 'stages: {}\n' });
    rmSync(outside.path('.git'), { recursive: true });
    const r = await outside.pipe(['gc', '-a', '--dry']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/not inside a git repository/);
    expect(storedObjects(repo)).toEqual(before);
  });
});
