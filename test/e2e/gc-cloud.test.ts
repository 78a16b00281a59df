/** @module `pipe gc --cloud`: removes from a directory remote and from S3 (s3rver) exactly what no kept revision references, asks first, and deletes manifests before their files. */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { hexOf, sha256, storedObjects, type ManifestEntry } from '../helpers/cache.js';
import { commitAll, git } from '../helpers/git.js';
import { tempDir } from '../helpers/temp-dir.js';
import { twoStageRepo } from '../helpers/two-stage-repo.js';
import { PIPE_BIN } from '../helpers/pipe.js';
import { removeRepos, Repo, template, type DataLock } from '../helpers/repo.js';
import { startS3Server, type S3Server } from '../helpers/s3-server.js';
import { MANY_RUNS } from '../helpers/timeouts.js';

let s3: S3Server;
beforeAll(async () => {
  s3 = await startS3Server();
});
afterAll(async () => {
  await s3?.stop();
  await removeRepos();
});

async function ok(repo: Repo, args: string[], env: Record<string, string> = s3.env) {
  const r = await repo.pipe(args, { env });
  expect(r.code, `pipe ${args.join(' ')}\n${r.stdout}\n${r.stderr}`).toBe(0);
  return r;
}

/** A remote's contents, read without the runner: object hash → bytes, and run-cache keys (`runs/ab/…`). */
interface RemoteView {
  objects(): Map<string, Buffer>;
  runs(): string[];
}

function directoryView(dir: string): RemoteView {
  const walk = (base: string, visit: (rel: string, abs: string) => void) => {
    const go = (d: string) => {
      if (!existsSync(d)) return;
      for (const e of readdirSync(d, { withFileTypes: true })) {
        const p = join(d, e.name);
        if (e.isDirectory()) go(p);
        else visit(relative(dir, p), p);
      }
    };
    go(join(dir, base));
  };
  return {
    objects() {
      const out = new Map<string, Buffer>();
      walk('files', (rel, abs) => {
        const m = /^files\/sha256\/([0-9a-f]{2})\/([0-9a-f]{62}(?:\.dir)?)$/.exec(rel);
        if (m) out.set(`sha256:${m[1]}${m[2]}`, readFileSync(abs));
      });
      return out;
    },
    runs() {
      const out: string[] = [];
      walk('runs', (rel) => out.push(rel));
      return out.sort();
    },
  };
}

function s3View(bucket: string, prefix: string): RemoteView {
  const under = () => [...s3.objects(bucket)].filter(([k]) => k.startsWith(`${prefix}/`)).map(([k, v]) => [k.slice(prefix.length + 1), v] as const);
  return {
    objects() {
      const out = new Map<string, Buffer>();
      for (const [k, v] of under()) {
        const m = /^files\/sha256\/([0-9a-f]{2})\/([0-9a-f]{62}(?:\.dir)?)$/.exec(k);
        if (m) out.set(`sha256:${m[1]}${m[2]}`, v);
      }
      return out;
    },
    runs: () => under().map(([k]) => k).filter((k) => k.startsWith('runs/')).sort(),
  };
}

/** No manifest on the remote lists a file it lacks, and no run-cache entry names an out it lacks. */
function expectConsistent(view: RemoteView): void {
  const objects = view.objects();
  for (const [hash, bytes] of objects) {
    if (!hash.endsWith('.dir')) continue;
    for (const e of JSON.parse(bytes.toString('utf8')) as ManifestEntry[]) expect(objects.has(`sha256:${e.hash}`), `${hash} lists ${e.relpath}`).toBe(true);
  }
}

const lockAt = (repo: Repo, rev: string) => parse(git(repo, 'show', `${rev}:data.lock`)) as DataLock;

/** Object hashes the locks at `revs` reference, read with the manifests the remote holds. */
function referencedOn(view: RemoteView, repo: Repo, revs: string[]): Set<string> {
  const objects = view.objects();
  const out = new Set<string>();
  for (const rev of revs) {
    const lock = lockAt(repo, rev);
    for (const s of Object.values(lock.stages)) for (const x of s.outs) out.add(x.hash);
    for (const d of Object.values(lock.data)) out.add((d as { hash: string }).hash);
  }
  for (const h of [...out]) {
    const m = h.endsWith('.dir') ? objects.get(h) : undefined;
    if (m) for (const e of JSON.parse(m.toString('utf8')) as ManifestEntry[]) out.add(`sha256:${e.hash}`);
  }
  return out;
}

/** `remote NAME: sha256:…  SIZE` lines of `gc --cloud --dry`. */
function listedRemote(stdout: string, name: string): { hash: string; size: number }[] {
  return [...stdout.matchAll(new RegExp(`^remote ${name}: (sha256:[0-9a-f]{64}(?:\\.dir)?) {2}(\\d+)$`, 'gm'))]
    .map((m) => ({ hash: m[1] as string, size: Number(m[2]) }))
    .sort((a, b) => (a.hash < b.hash ? -1 : 1));
}

/**
 * Three versions (param n → feats/ with n.txt and a shared file → model.txt), each pushed:
 *   n: 1  main~1 (an older commit)   n: 2  branch `side`   n: 3  main (HEAD, the workspace)
 * then `gc -w` locally, so the cache lacks side's manifest and gc must read it from the remote.
 */
async function pushedHistory(addRemote: (repo: Repo) => Promise<void>): Promise<Repo> {
  const repo = twoStageRepo();
  await addRemote(repo);
  await ok(repo, ['add', 'data/raw.csv']);
  const version = async (n: number) => {
    repo.write('params.yaml', `n: ${n}\n`);
    await ok(repo, ['repro']);
    commitAll(repo, `n: ${n}`);
    await ok(repo, ['push']);
  };
  await version(1);
  git(repo, 'checkout', '-q', '-b', 'side');
  await version(2);
  git(repo, 'checkout', '-q', 'main');
  await version(3);
  await ok(repo, ['gc', '-w']);
  return repo;
}

const withDirectory = template(async () => {
  return pushedHistory(async (repo) => {
    await ok(repo, ['remote', 'add', 'store', tempDir('pipe-gc-remote-'), '--default']);
  });
});

/**
 * A remote of its own for a copy made by `withDirectory` (the copies share one, so each test
 * copies it first); the change to .pipe/config.yaml stays uncommitted, so history is unchanged.
 */
function ownDirectoryRemote(repo: Repo): { dir: string; view: RemoteView } {
  const config = repo.read('.pipe/config.yaml');
  const shared = /(\/\S*pipe-gc-remote-[^\s'"]+)/.exec(config)?.[1] as string;
  const dir = tempDir('pipe-gc-remote-');
  execFileSync('cp', ['-a', `${shared}/.`, dir]);
  repo.write('.pipe/config.yaml', config.replace(shared, dir));
  return { dir, view: directoryView(dir) };
}

/** A git clone of `repo` using the same remote (its uncommitted config copied over). */
function cloneOf(repo: Repo): Repo {
  const c = new Repo(tempDir('pipe-gc-clone-'));
  execFileSync('git', ['clone', '-q', repo.dir, c.dir]);
  c.write('.pipe/config.yaml', repo.read('.pipe/config.yaml'));
  return c;
}

describe('pipe gc --cloud, directory remote', MANY_RUNS, () => {
  it('--dry lists exactly the remote objects no kept revision references (side read from the remote), and removes nothing', async () => {
    const repo = await withDirectory();
    const { view } = ownDirectoryRemote(repo);
    const before = view.objects();
    const runs = view.runs();
    expect(runs).toHaveLength(6);
    const kept = referencedOn(view, repo, ['main', 'side']);
    const expected = [...before.keys()].filter((h) => !kept.has(h)).sort();
    // n: 1's manifest, n.txt and model.txt; files among them prove side's manifest was read from the remote.
    expect(expected).toHaveLength(3);
    expect(expected.filter((h) => !h.endsWith('.dir'))).toHaveLength(2);

    const r = await ok(repo, ['gc', '-w', '--all-branches', '--cloud', '--dry']);
    const lines = listedRemote(r.stdout, 'store');
    expect(lines.map((l) => l.hash)).toEqual(expected);
    for (const l of lines) expect(l.size, l.hash).toBe(before.get(l.hash)?.length);
    const bytes = lines.reduce((s, l) => s + l.size, 0);
    expect(r.stdout).toMatch(new RegExp(`^would remove 3 objects \\(${bytes} B\\) and 2 run-cache entries from remote 'store' \\(.*\\); kept ${before.size - 3} objects and 4 run-cache entries there$`, 'm'));
    expect(r.stderr).not.toMatch(/warning/);
    expect(view.objects()).toEqual(before);
    expect(view.runs()).toEqual(runs);

    // Without --all-branches, side's objects are unreferenced too.
    const narrow = await ok(repo, ['gc', '-w', '--cloud', '--dry']);
    expect(listedRemote(narrow.stdout, 'store')).toHaveLength(6);
  });

  it('without --force and without a terminal it refuses, saying to pass --force, and removes nothing anywhere', async () => {
    const repo = await withDirectory();
    const { view } = ownDirectoryRemote(repo);
    const before = view.objects();
    const local = storedObjects(repo);
    const r = await repo.pipe(['gc', '-w', '--cloud']);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      'error: pipe gc --cloud removes objects from the remote for good and asks first, but there is no terminal to ask on: pass --force to remove them (run it with --dry first to see what would go)\n',
    );
    expect(r.stdout).toBe('');
    expect(view.objects()).toEqual(before);
    expect(storedObjects(repo)).toEqual(local);
  });

  it('--force removes them, keeps what main and side need, and a fresh clone still pulls both', async () => {
    const repo = await withDirectory();
    const { view } = ownDirectoryRemote(repo);
    const before = view.objects();
    const kept = referencedOn(view, repo, ['main', 'side']);
    const old = referencedOn(view, repo, ['main~1']);
    const r = await ok(repo, ['gc', '-w', '-a', '--cloud', '--force']);
    // Named before anything goes: exactly the objects that are then gone.
    const named = [...r.stderr.matchAll(/^ {2}remote store: (sha256:\S+) {2}\d+$/gm)].map((m) => m[1]).sort();
    expect(named).toEqual([...before.keys()].filter((h) => !kept.has(h)).sort());
    expect(r.stderr.match(/^ {2}remote store: run-cache entry \S+$/gm)).toHaveLength(2);
    expect(r.stderr).toMatch(/^will remove 0 objects \(0 B\) and 0 run-cache entries from the cache\nwill remove 3 objects \(\d+ B\) and 2 run-cache entries from remote 'store'/m);
    expect(r.stdout).toMatch(/^removed 3 objects \(\d+ B\) and 2 run-cache entries from remote 'store' \(.*\); kept \d+ objects and 4 run-cache entries there$/m);
    const after = view.objects();
    expect([...after.keys()].sort()).toEqual([...before.keys()].filter((h) => kept.has(h)).sort());
    expect(view.runs()).toHaveLength(4);
    expectConsistent(view);

    const c = cloneOf(repo);
    const pulled = await ok(c, ['pull']);
    expect(pulled.stdout).toMatch(/^fetched \d+ objects/);
    expect(c.read('model.txt')).toBe('n: 3\na,b\n1,2\n');
    git(c, 'checkout', '-q', 'origin/side');
    await ok(c, ['pull']);
    expect(c.read('model.txt')).toBe('n: 2\na,b\n1,2\n');
    // The older commit's own objects are gone from the remote.
    git(c, 'checkout', '-q', 'origin/main~1');
    const gone = await c.pipe(['pull']);
    expect(gone.code).toBe(1);
    expect(gone.stderr).toMatch(/remote 'store' lacks \d+ objects? that data\.lock references/);
    expect([...old].some((h) => !after.has(h))).toBe(true);
  });

  it("removes the temp files a push killed elsewhere left, once a day old, and keeps a younger one", async () => {
    const repo = await withDirectory();
    const { dir, view } = ownDirectoryRemote(repo);
    const before = view.objects();
    const fanOut = readdirSync(join(dir, 'files/sha256'))[0] as string;
    const runsFanOut = readdirSync(join(dir, 'runs'))[0] as string;
    const temp = (key: string, bytes: string, ageHours: number) => {
      writeFileSync(join(dir, key), bytes);
      const at = Date.now() / 1000 - ageHours * 3600;
      utimesSync(join(dir, key), at, at);
      return key;
    };
    // Another machine's push, killed two days ago (no record of it here), and one killed an hour ago.
    const stale = [temp(`files/sha256/${fanOut}/.tmp-buildbox-311-9f8e7d6c-0`, 'half an object', 48), temp(`runs/${runsFanOut}/.tmp-buildbox-311-9f8e7d6c-1`, '{"stage"', 48)].sort();
    const young = temp(`files/sha256/${fanOut}/.tmp-buildbox-312-1a2b3c4d-0`, 'still writing?', 1);

    const dry = await ok(repo, ['gc', '-w', '-a', '--cloud', '--dry']);
    expect([...dry.stdout.matchAll(/^remote store: stale temp file (\S+) {2}(\d+)$/gm)].map((m) => [m[1], Number(m[2])])).toEqual([
      [stale[0], 14],
      [stale[1], 8],
    ]);
    expect(dry.stdout).toMatch(/^would remove 3 objects, 2 stale temp files of killed pushes \(\d+ B\) and 2 run-cache entries from remote 'store'/m);
    for (const key of [...stale, young]) expect(existsSync(join(dir, key)), key).toBe(true);

    const r = await ok(repo, ['gc', '-w', '-a', '--cloud', '--force']);
    expect(r.stderr.match(/^ {2}remote store: stale temp file \S+ {2}\d+$/gm)).toHaveLength(2);
    expect(r.stdout).toMatch(/^removed 3 objects, 2 stale temp files of killed pushes \(\d+ B\) and 2 run-cache entries from remote 'store'/m);
    for (const key of stale) expect(existsSync(join(dir, key)), key).toBe(false);
    expect(existsSync(join(dir, young))).toBe(true);
    // The objects went as without the temps.
    expect(view.objects().size).toBe(before.size - 3);
    expectConsistent(view);
  });

  it('manifests go before their files: a file that cannot be deleted stops gc with its manifest and run-cache entries already gone', async () => {
    const repo = await withDirectory();
    const { dir, view } = ownDirectoryRemote(repo);
    const oldFeats = lockAt(repo, 'main~1').stages.prep?.outs[0]?.hash as string;
    const manifest = JSON.parse((view.objects().get(oldFeats) as Buffer).toString('utf8')) as ManifestEntry[];
    const nTxt = manifest.find((e) => e.relpath === 'n.txt') as ManifestEntry;
    // The object becomes a non-empty directory: unlink fails (EISDIR), even for root.
    const key = join(dir, 'files/sha256', nTxt.hash.slice(0, 2), nTxt.hash.slice(2));
    rmSync(key, { force: true });
    mkdirSync(key);
    writeFileSync(join(key, 'blocker'), 'x');
    const r = await repo.pipe(['gc', '-w', '--cloud', '--force']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(new RegExp(`^error: remote 'store': EISDIR on .*${nTxt.hash.slice(2)}`, 'm'));
    const after = view.objects();
    expect(after.has(oldFeats)).toBe(false);
    for (const [hash] of after) expect(hash.endsWith('.dir') && hash !== lockAt(repo, 'main').stages.prep?.outs[0]?.hash, hash).toBe(false);
    expect(statSync(key).isDirectory()).toBe(true);
    // Only main's two entries are left: the others went first.
    expect(view.runs()).toHaveLength(2);
    expectConsistent(view);
  });

  it.skipIf(spawnSync('script', ['--version']).status !== 0)('on a terminal it asks: no removes nothing (exit 1), yes removes', async () => {
    const repo = await withDirectory();
    const { view } = ownDirectoryRemote(repo);
    const before = view.objects();
    const onTty = (answer: string) =>
      spawnSync('script', ['-qec', `${process.execPath} ${PIPE_BIN} gc -w --cloud`, '/dev/null'], { cwd: repo.dir, input: `${answer}\n`, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' }, timeout: 200_000 });
    const no = onTty('n');
    expect(no.stdout).toMatch(/Remove them from remote 'store' \(.*\)\? This cannot be undone\. \[y\/N\]/);
    expect(no.stdout).toMatch(/nothing was removed/);
    expect(view.objects()).toEqual(before);
    const yes = onTty('y');
    expect(yes.stdout).toMatch(/removed 6 objects \(\d+ B\) and 4 run-cache entries from remote 'store'/);
    expect(view.objects().size).toBe(before.size - 6);
  });
});

describe('pipe gc --cloud, S3 remote (s3rver)', MANY_RUNS, () => {
  it('--dry lists, --force removes exactly the unreferenced objects from S3; a fresh clone still pulls main and side', async () => {
    await s3.createBucket('gc-cloud');
    const repo = await pushedHistory(async (r) => {
      await ok(r, ['remote', 'add', 's3', 's3://gc-cloud/team/pipe', '--endpoint', s3.endpoint, '--force-path-style', '--default']);
    });
    const view = s3View('gc-cloud', 'team/pipe');
    const before = view.objects();
    expect(view.runs()).toHaveLength(6);
    const kept = referencedOn(view, repo, ['main', 'side']);
    const expected = [...before.keys()].filter((h) => !kept.has(h)).sort();
    expect(expected).toHaveLength(3);

    const dry = await ok(repo, ['gc', '-w', '-a', '--cloud', '--dry']);
    const lines = listedRemote(dry.stdout, 's3');
    expect(lines.map((l) => l.hash)).toEqual(expected);
    for (const l of lines) expect(l.size, l.hash).toBe(before.get(l.hash)?.length);
    expect(view.objects().size).toBe(before.size);

    const refused = await repo.pipe(['gc', '-w', '-a', '--cloud'], { env: s3.env });
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/pass --force/);
    expect(view.objects().size).toBe(before.size);

    const r = await ok(repo, ['gc', '-w', '-a', '--cloud', '--force']);
    expect(r.stdout).toMatch(/^removed 3 objects \(\d+ B\) and 2 run-cache entries from remote 's3' \(s3:\/\/gc-cloud\/team\/pipe\); kept \d+ objects and 4 run-cache entries there$/m);
    expect([...view.objects().keys()].sort()).toEqual([...before.keys()].filter((h) => kept.has(h)).sort());
    expect(view.runs()).toHaveLength(4);
    expectConsistent(view);
    for (const [hash, bytes] of view.objects()) expect(sha256(bytes), hash).toBe(hexOf(hash));

    const c = cloneOf(repo);
    await ok(c, ['pull']);
    expect(c.read('model.txt')).toBe('n: 3\na,b\n1,2\n');
    git(c, 'checkout', '-q', 'origin/side');
    await ok(c, ['pull']);
    expect(c.read('model.txt')).toBe('n: 2\na,b\n1,2\n');
    expect(storedObjects(c).every((h) => kept.has(h))).toBe(true);

    const again = await ok(repo, ['gc', '-w', '-a', '--cloud', '--dry']);
    expect(listedRemote(again.stdout, 's3')).toEqual([]);
  });
});
