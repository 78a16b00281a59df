/** @module `pipe add PATH…`: raw data tracked in the cache and under `data:` in data.lock, used by stages, reported by status. */
import { lstatSync, rmSync, symlinkSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { hexOf, objectRel, readManifest, readObject, sha256, stat, storedObjects, writable } from '../helpers/cache.js';
import { runPipe } from '../helpers/pipe.js';
import { countRun, makeRepo, removeRepos, type Repo } from '../helpers/repo.js';

afterAll(removeRepos);

interface DataEntry {
  hash: string;
  size: number;
  nfiles?: number;
}

async function ok(repo: Repo, args: string[], cwd = repo.dir) {
  const r = await runPipe(cwd, args);
  expect(r.code, `pipe ${args.join(' ')}\n${r.stdout}\n${r.stderr}`).toBe(0);
  return r;
}

const data = (repo: Repo) => repo.lock().data as Record<string, DataEntry>;

/** Raw data under data/ (a csv and a directory of images), a stage `train` that reads the csv and produces model.txt and a directory. */
function dataRepo(): Repo {
  const repo = makeRepo({
    'data/raw.csv': 'id,churn\n1,0\n2,1\n',
    'data/images/cat.txt': 'meow\n',
    'data/images/deep/dog.txt': 'woof\n',
  });
  repo.stages({
    train: {
      cmd: `${countRun('train')} && wc -l < data/raw.csv > model.txt && mkdir -p models && cp model.txt models/m.txt`,
      deps: ['data/raw.csv'],
      outs: ['model.txt', 'models'],
    },
  });
  return repo;
}

describe('pipe add', () => {
  it('stores a file and a directory (paths relative to a subdirectory), links them back, records them under data: and ignores them in git', async () => {
    const repo = dataRepo();
    const r = await ok(repo, ['add', 'raw.csv', 'images/'], repo.path('data'));
    const csv = `sha256:${sha256('id,churn\n1,0\n2,1\n')}`;
    expect(r.stdout).toMatch(new RegExp(`^added data/raw\\.csv \\(${csv.slice(0, 19)}…, 17 bytes\\)$`, 'm'));
    expect(r.stdout).toMatch(/^added data\/images \(sha256:[0-9a-f]{12}…, 10 bytes, 2 files\)$/m);

    const entries = data(repo);
    expect(Object.keys(entries).sort()).toEqual(['data/images', 'data/raw.csv']);
    expect(entries['data/raw.csv']).toEqual({ hash: csv, size: 17 });
    const images = entries['data/images'] as DataEntry;
    expect(images).toEqual({ hash: expect.stringMatching(/^sha256:[0-9a-f]{64}\.dir$/), size: 10, nfiles: 2 });
    expect(sha256(readObject(repo, images.hash))).toBe(hexOf(images.hash));
    expect(readManifest(repo, images.hash)).toEqual([
      { relpath: 'cat.txt', hash: sha256('meow\n'), size: 5, exec: false },
      { relpath: 'deep/dog.txt', hash: sha256('woof\n'), size: 5, exec: false },
    ]);

    // The workspace files are the stored objects (read-only hardlinks), with their bytes unchanged.
    expect(repo.read('data/raw.csv')).toBe('id,churn\n1,0\n2,1\n');
    expect(stat(repo, 'data/raw.csv').ino).toBe(stat(repo, objectRel(csv)).ino);
    expect(writable(stat(repo, 'data/raw.csv'))).toBe(false);
    expect(stat(repo, 'data/images/deep/dog.txt').ino).toBe(stat(repo, objectRel(`sha256:${sha256('woof\n')}`)).ino);
    expect(storedObjects(repo)).toEqual(
      [csv, images.hash, `sha256:${sha256('meow\n')}`, `sha256:${sha256('woof\n')}`].sort(),
    );
    expect(repo.read('.gitignore').split('\n')).toEqual(expect.arrayContaining(['/data/images', '/data/raw.csv']));
    expect(repo.lock().stages).toEqual({});
    expect(repo.count('train')).toBe(0);

    // Added data is checked out like any cached out.
    rmSync(repo.path('data/images'), { recursive: true });
    const co = await ok(repo, ['checkout']);
    expect(co.stdout).toBe('1 linked (hardlink), 1 unchanged, 0 removed\n');
    expect(repo.read('data/images/deep/dog.txt')).toBe('woof\n');
  });

  it('a stage may depend on added data; status reports the data modified; re-adding records the new version (updated) and the stage re-runs', async () => {
    const repo = dataRepo();
    await ok(repo, ['add', 'data/raw.csv']);
    await ok(repo, ['repro']);
    // repro keeps the added data in data.lock and in .gitignore, next to the stage's outs.
    expect(repo.read('.gitignore').split('\n')).toEqual(expect.arrayContaining(['/data/raw.csv', '/model.txt', '/models']));
    const dep = repo.lock().stages.train?.deps.find((d) => d.path === 'data/raw.csv');
    expect(dep?.hash).toBe(data(repo)['data/raw.csv']?.hash);
    expect(dep?.size).toBe(data(repo)['data/raw.csv']?.size);

    const before = await ok(repo, ['status']);
    expect(before.stdout).not.toMatch(/tracked data/);
    expect(before.stdout).toMatch(/Everything is up to date/);

    // Replace the (read-only, linked) file with a new version, as an editor that writes a new file does.
    const oldHash = data(repo)['data/raw.csv']?.hash as string;
    repo.write('data/raw.csv', 'id,churn\n1,0\n2,1\n3,1\n');
    const st = await ok(repo, ['status']);
    expect(st.stdout).toMatch(/^data\/raw\.csv: tracked data modified \(run 'pipe add data\/raw\.csv' to record the new version\)$/m);
    expect(st.stdout).toMatch(/^train: changed$/m);
    expect(st.stdout).not.toMatch(/Everything is up to date/);
    expect(readObject(repo, oldHash).toString()).toBe('id,churn\n1,0\n2,1\n');

    const re = await ok(repo, ['add', 'data/raw.csv']);
    const newHash = `sha256:${sha256('id,churn\n1,0\n2,1\n3,1\n')}`;
    expect(re.stdout).toMatch(/^updated data\/raw\.csv \(sha256:[0-9a-f]{12}…, 21 bytes\)$/m);
    expect(data(repo)['data/raw.csv']).toEqual({ hash: newHash, size: 21 });
    const same = await ok(repo, ['add', 'data/raw.csv']);
    expect(same.stdout).toMatch(/^unchanged data\/raw\.csv/m);

    const after = await ok(repo, ['status']);
    expect(after.stdout).not.toMatch(/tracked data/);
    const r = await ok(repo, ['repro']);
    expect(r.stdout).toMatch(/^train: running because dep data\/raw\.csv modified$/m);
    expect(repo.read('model.txt').trim()).toBe('4');
    expect(repo.lock().stages.train?.deps.find((d) => d.path === 'data/raw.csv')?.hash).toBe(newHash);
  });

  it('works in a git repository with no pipeline.yaml yet (as DVC allows): the work tree top becomes the root; status, push and checkout follow', async () => {
    const repo = makeRepo({ 'data/raw.csv': 'id\n1\n', 'src/readme.txt': 'code\n' });
    const added = await ok(repo, ['add', '../data/raw.csv'], repo.path('src'));
    expect(added.stdout).toMatch(/^added data\/raw\.csv \(sha256:[0-9a-f]{12}…, 5 bytes\)\n$/);
    expect(Object.keys(data(repo))).toEqual(['data/raw.csv']);
    expect(repo.read('.gitignore')).toContain('\n/data/raw.csv\n');
    expect(repo.exists('pipeline.yaml')).toBe(false);
    expect((await ok(repo, ['status'])).stdout).toContain('Everything is up to date.');
    rmSync(repo.path('data/raw.csv'));
    expect((await ok(repo, ['status'])).stdout).toContain('data/raw.csv');
    await ok(repo, ['checkout']);
    await ok(repo, ['remote', 'add', 'store', 'store', '--create', '--default']);
    expect((await ok(repo, ['push'])).stdout).toMatch(/^pushed 1 object/);
    rmSync(repo.path('data/raw.csv'));
    await ok(repo, ['checkout']);
    expect(repo.read('data/raw.csv')).toBe('id\n1\n');
  });

  it('adding a stage out, or a path inside one, exits 2 naming the stage and records nothing', async () => {
    const repo = dataRepo();
    await ok(repo, ['repro']);
    const lock = repo.lockBytes();
    for (const p of ['model.txt', 'models/m.txt', 'models']) {
      const r = await repo.pipe(['add', p]);
      expect(r.code, p).toBe(2);
      expect(r.stderr).toMatch(new RegExp(`cannot add '${p}'.*stage 'train'`));
      expect(r.stderr).not.toMatch(/internal error/);
    }
    // From a subdirectory, too.
    const sub = await runPipe(repo.path('models'), ['add', 'm.txt']);
    expect(sub.code).toBe(2);
    expect(sub.stderr).toMatch(/stage 'train'/);
    expect(repo.lockBytes()).toEqual(lock);
  });

  it('a path outside the repository or a missing path exits 2 naming it, and records nothing', async () => {
    const repo = dataRepo();
    const outside = await runPipe(repo.path('data'), ['add', '../../x']);
    expect(outside.code).toBe(2);
    expect(outside.stderr).toMatch(/cannot add '\.\.\/\.\.\/x': the path escapes the repository/);
    const up = await repo.pipe(['add', '../x']);
    expect(up.code).toBe(2);
    expect(up.stderr).toMatch(/cannot add '\.\.\/x'/);
    const missing = await repo.pipe(['add', 'data/nope.csv']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/cannot add 'data\/nope\.csv': it does not exist/);
    // A bad path among good ones: nothing is added.
    const mixed = await repo.pipe(['add', 'data/raw.csv', 'data/nope.csv']);
    expect(mixed.code).toBe(2);
    expect(repo.exists('data.lock')).toBe(false);
    expect(storedObjects(repo)).toEqual([]);
    expect(writable(stat(repo, 'data/raw.csv'))).toBe(true);
  });

  it('adding a file inside an added directory replaces the directory entry, and checkout keeps the file that is still tracked', async () => {
    const repo = dataRepo();
    await ok(repo, ['add', 'data/images']);
    const r = await ok(repo, ['add', 'data/images/cat.txt']);
    expect(r.stdout).toMatch(/^added data\/images\/cat\.txt /m);
    expect(Object.keys(data(repo))).toEqual(['data/images/cat.txt']);

    const co = await ok(repo, ['checkout']);
    expect(co.stdout).not.toMatch(/^removed data\/images /m);
    expect(repo.read('data/images/cat.txt')).toBe('meow\n');
    const st = await ok(repo, ['status']);
    expect(st.stdout).not.toMatch(/tracked data (missing|modified)/);
  });

  it('a symlink inside an added directory is stored as the bytes it points to, and checkout restores them as a file', async () => {
    const repo = makeRepo({ 'data/images/cat.txt': 'meow\n', 'shared/dog.txt': 'woof\n' });
    repo.stages({});
    symlinkSync('../../shared/dog.txt', repo.path('data/images/dog.txt'));
    await ok(repo, ['add', 'data/images']);
    const entry = data(repo)['data/images'] as DataEntry;
    const dog = readManifest(repo, entry.hash).find((e) => e.relpath === 'dog.txt');
    expect(dog?.hash).toBe(sha256('woof\n'));
    // The store holds a regular file with those bytes, never the symlink itself.
    const object = repo.path(objectRel(`sha256:${dog?.hash}`));
    expect(lstatSync(object).isFile()).toBe(true);
    expect(readObject(repo, `sha256:${dog?.hash}`).toString()).toBe('woof\n');
    // The workspace keeps its symlink, and its target is untouched (still writable).
    expect(lstatSync(repo.path('data/images/dog.txt')).isSymbolicLink()).toBe(true);
    expect(writable(stat(repo, 'shared/dog.txt'))).toBe(true);

    rmSync(repo.path('data/images'), { recursive: true });
    rmSync(repo.path('shared'), { recursive: true });
    const co = await ok(repo, ['checkout']);
    expect(co.stdout).toBe('1 linked (hardlink), 0 unchanged, 0 removed\n');
    expect(repo.read('data/images/dog.txt')).toBe('woof\n');
    expect(lstatSync(repo.path('data/images/dog.txt')).isFile()).toBe(true);
  });

  it('adding the directory holding an added file replaces the file entry, and checkout leaves the directory whole', async () => {
    const repo = dataRepo();
    await ok(repo, ['add', 'data/images/cat.txt']);
    await ok(repo, ['add', 'data/images']);
    expect(Object.keys(data(repo))).toEqual(['data/images']);

    const co = await ok(repo, ['checkout']);
    expect(co.stdout).not.toMatch(/^removed data\/images\/cat\.txt/m);
    expect(repo.read('data/images/cat.txt')).toBe('meow\n');
    const st = await ok(repo, ['status']);
    expect(st.stdout).not.toMatch(/tracked data (missing|modified)/);
  });
});
