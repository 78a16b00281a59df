/** @module `pipe checkout`: the workspace follows data.lock across git branches; removed, missing and corrupt outs; --relink. */
import { chmodSync, existsSync, lstatSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { hexOf, objectPath, objectRel, readManifest, readObject, sha256, stat, writable } from '../helpers/cache.js';
import { commitAll, git } from '../helpers/git.js';
import { runPipe } from '../helpers/pipe.js';
import { countRun, makeRepo, ok, removeRepos, template, type Repo } from '../helpers/repo.js';
import { MANY_RUNS } from '../helpers/timeouts.js';

afterAll(removeRepos);

function outHash(repo: Repo, stage: string, path: string): string {
  const o = repo.lock().stages[stage]?.outs.find((x) => x.path === path);
  if (!o) throw new Error(`no out ${path} of ${stage} in data.lock:\n${repo.read('data.lock')}`);
  return o.hash;
}

/** What the pipeline below produces for `n: N`. */
const produced = (n: number) => ({ model: `n: ${n}\nrows\n`, rows: 'rows\n', n: `n: ${n}\n`, metrics: `{"score": ${n}}\n` });
const outsOf = (repo: Repo) => ({ model: repo.read('model.txt'), rows: repo.read('feats/rows.txt'), n: repo.read('feats/n.txt'), metrics: repo.read('metrics.json') });
const countsOf = (repo: Repo) => ({ prep: repo.count('prep'), train: repo.count('train') });

/**
 * A committed two-stage pipeline (prep: param n → feats/; train: feats → model.txt + metrics.json), and branches
 * `a` (n: 1) and `b` (n: 2) off it, each with its `pipe repro` results committed (data.lock, metrics.json). Left on `b`.
 */
const branches = template(async () => {
  const repo = makeRepo({ 'in.txt': 'rows\n', 'params.yaml': 'n: 0\n', '.gitignore': '/.counts/\n' });
  repo.stages({
    prep: {
      cmd: `${countRun('prep')} && mkdir -p feats && cat in.txt > feats/rows.txt && grep n: params.yaml > feats/n.txt`,
      deps: ['in.txt'],
      params: ['n'],
      outs: ['feats'],
    },
    train: {
      cmd: `${countRun('train')} && cat feats/n.txt feats/rows.txt > model.txt && echo "{\\"score\\": $(grep -o '[0-9]*' feats/n.txt)}" > metrics.json`,
      deps: ['feats'],
      outs: ['model.txt'],
      metrics: ['metrics.json'],
    },
  });
  commitAll(repo, 'pipeline');
  const base = git(repo, 'rev-parse', 'HEAD').trim();
  for (const [branch, n] of [
    ['a', 1],
    ['b', 2],
  ] as const) {
    git(repo, 'checkout', '-q', '-b', branch, base);
    repo.write('params.yaml', `n: ${n}\n`);
    const r = await ok(repo, ['repro']);
    expect(r.stdout).toMatch(/^train: running because/m);
    expect(outsOf(repo)).toEqual(produced(n));
    commitAll(repo, `results for n=${n}`);
    // data.lock and the metric are committed; the cached outs are ignored by git.
    expect(git(repo, 'ls-files').split('\n')).toEqual(expect.arrayContaining(['data.lock', 'metrics.json', '.gitignore', 'params.yaml']));
    expect(git(repo, 'ls-files', 'model.txt', 'feats')).toBe('');
  }
  expect(countsOf(repo)).toEqual({ prep: 2, train: 2 });
  return repo;
});

const N = { a: 1, b: 2 } as const;

describe('switching git branches', MANY_RUNS, () => {
  it('after git checkout + pipe checkout, pipe repro runs nothing on either branch and the outs are what that branch produced', async () => {
    const repo = await branches();
    for (const branch of ['a', 'b', 'a', 'b'] as const) {
      git(repo, 'checkout', '-q', branch);
      const co = await ok(repo, ['checkout']);
      expect(co.stdout).toBe('2 linked (hardlink), 0 unchanged, 0 removed\n');
      const r = await ok(repo, ['repro']);
      expect(r.stdout).toMatch(/^prep: skipped \(up to date\)$/m);
      expect(r.stdout).toMatch(/^train: skipped \(up to date\)$/m);
      expect(r.stdout).toMatch(/Everything is up to date/);
      expect(countsOf(repo), `on ${branch}`).toEqual({ prep: 2, train: 2 });
      expect(outsOf(repo)).toEqual(produced(N[branch]));
      // pipe repro left the committed data.lock as it was.
      expect(git(repo, 'status', '--porcelain')).toBe('');
    }
  });

  it('after git checkout without pipe checkout, pipe repro restores prep and train (metric included) from the run-cache and leaves data.lock as committed', async () => {
    const repo = await branches();
    for (const branch of ['a', 'b'] as const) {
      git(repo, 'checkout', '-q', branch);
      const st = await ok(repo, ['status']);
      expect(st.stdout).toMatch(/^prep: changed$/m);
      const r = await ok(repo, ['repro']);
      expect(r.stdout).toMatch(/^prep: restored from run-cache \(out feats modified\), not run$/m);
      expect(r.stdout).toMatch(/^train: restored from run-cache \(out model\.txt modified\), not run$/m);
      expect(countsOf(repo), `on ${branch}`).toEqual({ prep: 2, train: 2 });
      expect(outsOf(repo)).toEqual(produced(N[branch]));
      expect(git(repo, 'status', '--porcelain')).toBe('');
    }
  });

  it('after git checkout to a commit without a stage, pipe checkout removes its old out but keeps (and reports) one the user modified', async () => {
    const repo = makeRepo({ 'in.txt': 'in\n', '.gitignore': '/.counts/\n' });
    repo.stages({ keep: { cmd: 'cp in.txt keep.txt', deps: ['in.txt'], outs: ['keep.txt'] } });
    await ok(repo, ['repro']);
    commitAll(repo, 'one stage');
    git(repo, 'tag', 'small');
    repo.stages({
      keep: { cmd: 'cp in.txt keep.txt', deps: ['in.txt'], outs: ['keep.txt'] },
      old: { cmd: 'echo old > old.txt && mkdir -p olddir && echo o > olddir/o.txt', outs: ['old.txt', 'olddir'] },
      mine: { cmd: 'echo generated > mine.txt', outs: ['mine.txt'] },
    });
    await ok(repo, ['repro']);
    commitAll(repo, 'three stages');
    // The user replaces one of the outs with their own file.
    repo.write('mine.txt', 'my own edits\n');

    git(repo, 'checkout', '-q', 'small');
    const r = await ok(repo, ['checkout']);
    expect(r.stdout).toMatch(/^removed old\.txt \(no longer in data\.lock\)$/m);
    expect(r.stdout).toMatch(/^removed olddir \(no longer in data\.lock\)$/m);
    expect(r.stdout).not.toMatch(/removed mine\.txt/);
    expect(r.stderr).toMatch(/^kept mine\.txt: no longer in data\.lock, but modified since pipe placed it$/m);
    expect(r.stdout).toMatch(/^0 linked, 1 unchanged, 2 removed$/m);
    expect(repo.exists('old.txt')).toBe(false);
    expect(repo.exists('olddir')).toBe(false);
    expect(repo.read('mine.txt')).toBe('my own edits\n');
    expect(repo.read('keep.txt')).toBe('in\n');

    // Back on the newer commit, mine.txt is a declared out again: its edits are not in the cache,
    // so checkout changes nothing until told to discard them.
    git(repo, 'checkout', '-q', '-');
    const refused = await repo.pipe(['checkout']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/checkout would overwrite a path whose content is not in the cache:\n {2}mine\.txt \(the workspace has sha256:[0-9a-f]{12}…; data\.lock has sha256:[0-9a-f]{12}…\)\nNothing was changed\./);
    expect(refused.stderr).toMatch(/or run again with --force to discard the changes\.$/m);
    expect(repo.exists('old.txt')).toBe(false);
    expect(repo.read('mine.txt')).toBe('my own edits\n');
    const back = await ok(repo, ['checkout', '--force']);
    expect(back.stdout).toMatch(/^3 linked \(hardlink\), 1 unchanged, 0 removed$/m);
    expect(repo.read('old.txt')).toBe('old\n');
    expect(repo.read('olddir/o.txt')).toBe('o\n');
    expect(repo.read('mine.txt')).toBe('generated\n');
  });
});

/** gen → one.txt and a directory `out` with two files, after one `pipe repro`, with its outs linked from the cache. */
async function ranGen(): Promise<Repo> {
  const repo = makeRepo();
  repo.stages({
    gen: { cmd: `${countRun('gen')} && echo one > one.txt && mkdir -p out && echo a > out/a.txt && echo b > out/b.txt`, outs: ['one.txt', 'out'] },
  });
  await ok(repo, ['repro']);
  return repo;
}

describe('pipe checkout', MANY_RUNS, () => {
  it('links what is missing, leaves what matches, and says so: N linked (hardlink), M unchanged, K removed; a second checkout links nothing', async () => {
    const repo = await ranGen();
    rmSync(repo.path('one.txt'));
    const first = await ok(repo, ['checkout']);
    expect(first.stdout).toBe('1 linked (hardlink), 1 unchanged, 0 removed\n');
    expect(repo.read('one.txt')).toBe('one\n');
    const hash = outHash(repo, 'gen', 'one.txt');
    expect(stat(repo, 'one.txt').ino).toBe(stat(repo, objectRel(hash)).ino);
    expect(writable(stat(repo, 'one.txt'))).toBe(false);

    rmSync(repo.path('one.txt'));
    rmSync(repo.path('out'), { recursive: true });
    const both = await ok(repo, ['checkout']);
    expect(both.stdout).toBe('2 linked (hardlink), 0 unchanged, 0 removed\n');
    expect(repo.read('out/a.txt')).toBe('a\n');
    expect(repo.read('out/b.txt')).toBe('b\n');

    const second = await ok(repo, ['checkout']);
    expect(second.stdout).toBe('0 linked, 2 unchanged, 0 removed\n');
    expect(repo.count('gen')).toBe(1);
  });

  it('a cached out edited by hand is not overwritten (exit 1, nothing changed) unless --force', async () => {
    const repo = await ranGen();
    repo.write('out/a.txt', 'changed by hand\n');
    rmSync(repo.path('one.txt'));
    const r = await repo.pipe(['checkout']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^error: checkout would overwrite a path whose content is not in the cache:\n {2}out \(the workspace has sha256:[0-9a-f]{12}…; data\.lock has sha256:[0-9a-f]{12}…\)$/m);
    expect(r.stdout).toBe('');
    expect(repo.read('out/a.txt')).toBe('changed by hand\n');
    expect(repo.exists('one.txt')).toBe(false); // nothing was linked either

    const forced = await ok(repo, ['checkout', '--force']);
    expect(forced.stdout).toBe('2 linked (hardlink), 0 unchanged, 0 removed\n');
    expect(repo.read('out/a.txt')).toBe('a\n');
    expect(repo.read('one.txt')).toBe('one\n');
  });

  it('an out that cannot be read (a dangling symlink in it) is not replaced either: nothing is lost unless --force', async () => {
    const repo = await ranGen();
    repo.write('out/notes.txt', 'my notes\n');
    symlinkSync('/nonexistent/target', repo.path('out/broken'));
    const r = await repo.pipe(['checkout']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^ {2}out \(cannot be read: .*out\/broken.*; data\.lock has sha256:[0-9a-f]{12}…\)$/m);
    expect(repo.read('out/notes.txt')).toBe('my notes\n');

    await ok(repo, ['checkout', '-f']);
    expect(repo.exists('out/notes.txt')).toBe(false);
    expect(repo.read('out/a.txt')).toBe('a\n');

    // The out itself a dangling symlink (to a disk not mounted, say): kept too.
    rmSync(repo.path('out'), { recursive: true });
    symlinkSync('/mnt/not-mounted/out', repo.path('out'));
    const dangling = await repo.pipe(['checkout']);
    expect(dangling.code).toBe(1);
    expect(dangling.stderr).toMatch(/^ {2}out \(cannot be read: it is a symlink to \/mnt\/not-mounted\/out, which does not exist; data\.lock has sha256:[0-9a-f]{12}…\)$/m);
    expect(lstatSync(repo.path('out')).isSymbolicLink()).toBe(true);
  });

  it('what the cache holds is replaced without --force: a deleted file, a file swapped for another cached one, an added file pipe add stored', async () => {
    const repo = await ranGen();
    rmSync(repo.path('out/b.txt'));
    const restored = await ok(repo, ['checkout']);
    expect(restored.stdout).toBe('1 linked (hardlink), 1 unchanged, 0 removed\n');
    expect(repo.read('out/b.txt')).toBe('b\n');

    // out/a.txt now holds b's bytes: that content is in the cache, nothing is lost.
    repo.write('out/a.txt', 'b\n');
    await ok(repo, ['checkout']);
    expect(repo.read('out/a.txt')).toBe('a\n');

    // A file whose bytes are in the cache (stored by pipe add) replacing a file out.
    repo.write('extra.txt', 'something else\n');
    await ok(repo, ['add', 'extra.txt']);
    repo.write('one.txt', 'something else\n');
    const r = await ok(repo, ['checkout', 'one.txt']);
    expect(r.stdout).toBe('1 linked (hardlink), 0 unchanged, 0 removed\n');
    expect(repo.read('one.txt')).toBe('one\n');
  });

  it('a corrupt object is detected: exit 1 naming the path and object, moved to .pipe/cache/corrupt/, workspace file not created', async () => {
    const repo = await ranGen();
    const hash = outHash(repo, 'gen', 'one.txt');
    rmSync(repo.path('one.txt'));
    // Flip one byte of the stored object, keeping the rest (and its size).
    const obj = objectPath(repo, hash);
    chmodSync(obj, 0o644);
    const bytes = readFileSync(obj);
    bytes[0] = bytes[0] === 0x6f ? 0x4f : 0x6f;
    writeFileSync(obj, bytes);

    const r = await repo.pipe(['checkout']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(new RegExp(`^  one\\.txt: 1 object missing \\(${hash}\\)$`, 'm'));
    expect(r.stderr).toMatch(new RegExp(`${hash} did not match its content; moved to \\S*\\.pipe/cache/corrupt/`));
    expect(r.stderr).toMatch(/pipe pull/);
    expect(r.stderr).not.toMatch(/internal error/);
    expect(repo.exists('one.txt')).toBe(false);
    expect(existsSync(obj)).toBe(false);
    const corrupt = readdirSync(repo.path('.pipe/cache/corrupt'));
    expect(corrupt).toHaveLength(1);
    expect(readFileSync(repo.path(`.pipe/cache/corrupt/${corrupt[0]}`))).toEqual(bytes);
    // The intact out is still fine.
    expect(repo.read('out/a.txt')).toBe('a\n');

    // A second checkout still fails (the object is gone now), and repro computes it again.
    const again = await repo.pipe(['checkout']);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(new RegExp(`one\\.txt: 1 object missing \\(${hash}\\)`));
    await ok(repo, ['repro']);
    expect(repo.count('gen')).toBe(2);
    expect(repo.read('one.txt')).toBe('one\n');
    expect(sha256(readObject(repo, hash))).toBe(hexOf(hash));
  });

  it('a missing object: exit 1 naming the object and suggesting pipe pull; what can be checked out still is, and a directory is not half-made', async () => {
    const repo = await ranGen();
    const dirHash = outHash(repo, 'gen', 'out');
    const b = readManifest(repo, dirHash).find((e) => e.relpath === 'b.txt') as { hash: string };
    rmSync(repo.path('out'), { recursive: true });
    rmSync(repo.path('one.txt'));
    rmSync(objectPath(repo, `sha256:${b.hash}`));

    const r = await repo.pipe(['checkout']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(new RegExp(`^  out: 1 object missing \\(sha256:${b.hash}\\)$`, 'm'));
    expect(r.stderr).toMatch(/Run 'pipe pull' to fetch them from a remote/);
    expect(r.stdout).toMatch(/^1 linked \(hardlink\), 0 unchanged, 0 removed$/m);
    expect(repo.read('one.txt')).toBe('one\n');
    expect(repo.exists('out')).toBe(false);
  });

  it('--relink re-creates every link with the current cache.type, even where the content already matches', async () => {
    const repo = await ranGen();
    const hash = outHash(repo, 'gen', 'one.txt');
    const plain = await ok(repo, ['checkout'], { PIPE_CACHE_TYPE: 'copy' });
    expect(plain.stdout).toBe('0 linked, 2 unchanged, 0 removed\n');
    expect(stat(repo, 'one.txt').ino).toBe(stat(repo, objectRel(hash)).ino);

    const r = await ok(repo, ['checkout', '--relink'], { PIPE_CACHE_TYPE: 'copy' });
    expect(r.stdout).toBe('2 linked (copy), 0 unchanged, 0 removed\n');
    expect(stat(repo, 'one.txt').ino).not.toBe(stat(repo, objectRel(hash)).ino);
    expect(stat(repo, 'one.txt').mode & 0o200).toBe(0o200);
    expect(stat(repo, 'out/a.txt').nlink).toBe(1);
    expect(repo.read('one.txt')).toBe('one\n');

    const back = await ok(repo, ['checkout', '--relink']);
    expect(back.stdout).toBe('2 linked (hardlink), 0 unchanged, 0 removed\n');
    expect(stat(repo, 'one.txt').ino).toBe(stat(repo, objectRel(hash)).ino);
  });

  it('TARGET checks out only that stage or path (relative to the cwd); an unknown target exits 2', async () => {
    const repo = await ranGen();
    rmSync(repo.path('one.txt'));
    rmSync(repo.path('out'), { recursive: true });
    const byStage = await ok(repo, ['checkout', 'gen']);
    expect(byStage.stdout).toBe('2 linked (hardlink), 0 unchanged, 0 removed\n');

    rmSync(repo.path('one.txt'));
    rmSync(repo.path('out/a.txt'));
    const r = await runPipe(repo.path('out'), ['checkout', '.']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe('1 linked (hardlink), 0 unchanged, 0 removed\n');
    expect(repo.read('out/a.txt')).toBe('a\n');
    expect(repo.exists('one.txt')).toBe(false);

    const bad = await repo.pipe(['checkout', 'nothing-here']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/'nothing-here' is neither a stage nor a cached out or tracked data path/);
    expect(bad.stderr).not.toContain('did you mean');
    // A typo of a stage or of a locked path names the one meant.
    for (const [typo, meant] of [['gem', 'gen'], ['one.tx', 'one.txt']]) {
      const near = await repo.pipe(['checkout', typo as string]);
      expect(near.code).toBe(2);
      expect(near.stderr).toMatch(new RegExp(`; did you mean '${(meant as string).replace('.', '\\.')}'\\?\n$`));
    }
    expect(repo.exists('one.txt')).toBe(false);
  });

  it('an out switched to cache: false is still declared and locked, so pipe checkout keeps it', async () => {
    const repo = await ranGen();
    repo.stages({
      gen: {
        cmd: `${countRun('gen')} && echo one > one.txt && mkdir -p out && echo a > out/a.txt && echo b > out/b.txt`,
        outs: [{ 'one.txt': { cache: false } }, 'out'],
      },
    });
    await ok(repo, ['repro']);
    expect(repo.lock().stages.gen?.outs.map((o) => o.path)).toContain('one.txt');

    const r = await ok(repo, ['checkout']);
    expect(r.stdout).not.toMatch(/removed one\.txt/);
    expect(r.stdout).toMatch(/, 0 removed$/m);
    expect(repo.read('one.txt')).toBe('one\n');
    const st = await ok(repo, ['status']);
    expect(st.stdout).toMatch(/^gen: up to date$/m);
  });
});
