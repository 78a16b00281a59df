/** @module `pipe model get` in fresh clones: only the model's objects fetched (directory remote and S3), every object verified, the output written whole or not at all. */
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, cpSync, existsSync, mkdirSync, readFileSync, readdirSync, realpathSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { hexOf, objectPath, readManifest, sha256, storedObjects } from '../helpers/cache.js';
import { commitAll, git } from '../helpers/git.js';
import { makeRepo, ok, removeRepos, Repo } from '../helpers/repo.js';
import { runPipe } from '../helpers/pipe.js';
import { startS3Server } from '../helpers/s3-server.js';
import { forFile, tempDir } from '../helpers/temp-dir.js';
import { MANY_RUNS } from '../helpers/timeouts.js';

afterAll(removeRepos);

/** The trivial "training": a model directory of a few files (one executable, one in a sub-directory) made from params.yaml's size. */
const TRAIN = [
  'rm -rf models/churn && mkdir -p models/churn/assets',
  'cp params.yaml models/churn/model.json',
  'head -c $(( $(sed -n "s/size: //p" params.yaml) * 3000 )) /dev/zero | tr "\\0" w > models/churn/weights.bin',
  'echo vocab > models/churn/assets/vocab.txt',
  'printf "#!/bin/sh\\necho serve\\n" > models/churn/serve.sh && chmod +x models/churn/serve.sh',
].join(' && ');

interface Fixture {
  /** The repository that produced and registered the model (its cache holds everything). */
  readonly origin: Repo;
  /** The directory remote in its committed config. */
  readonly remote: string;
  /** Per version: relpath → content. */
  readonly files: Record<string, Record<string, string>>;
  /** Per version: the model's hash in data.lock. */
  readonly hashes: Record<string, string>;
  /** The commit before any data.lock. */
  readonly bare: string;
}

/**
 * Origin: a commit without data.lock, then v0.0.1 (size 1, assigned prod) and v0.0.2 (size 2,
 * the latest), each pushed to the directory remote with the other stage's unrelated data.
 */
const fixture = (() => {
  let built: Promise<Fixture> | undefined;
  return () =>
    (built ??= forFile(async () => {
      const remote = tempDir('pipe-remote-');
      const origin = makeRepo({
        'pipeline.yaml': [
          'stages:',
          '  train:',
          `    cmd: ${JSON.stringify(TRAIN)}`,
          '    deps: [params.yaml]',
          '    outs: [models/churn]',
          '  other:',
          '    cmd: mkdir -p data && seq 1 2000 > data/other.txt && cp params.yaml data/params-copy.txt',
          '    deps: [params.yaml]',
          '    outs: [data/other.txt, data/params-copy.txt]',
          'artifacts:',
          '  churn: {path: models/churn, type: model}',
          '',
        ].join('\n'),
        'params.yaml': 'size: 1\n',
      });
      git(origin, 'config', 'user.name', 'Reg Istrar');
      git(origin, 'config', 'user.email', 'reg@example.com');
      commitAll(origin, 'pipeline, nothing run yet');
      const bare = git(origin, 'rev-parse', 'HEAD').trim();
      await ok(origin, ['remote', 'add', 'store', remote, '--default']);
      const files: Record<string, Record<string, string>> = {};
      const hashes: Record<string, string> = {};
      for (const [n, version] of [[1, 'v0.0.1'], [2, 'v0.0.2']] as const) {
        origin.write('params.yaml', `size: ${n}\n`);
        await ok(origin, ['repro']);
        await ok(origin, ['push']);
        commitAll(origin, `model ${n}`);
        await ok(origin, ['model', 'register', 'churn', '--version', version]);
        files[version] = readTree(origin.path('models/churn'));
        hashes[version] = lockedHash(origin, 'models/churn');
      }
      await ok(origin, ['model', 'assign', 'churn', '--stage', 'prod', '--version', 'v0.0.1']);
      return { origin, remote, files, hashes, bare };
    }));
})();

function lockedHash(repo: Repo, path: string): string {
  const out = Object.values(repo.lock().stages).flatMap((s) => s.outs).find((o) => o.path === path);
  if (!out) throw new Error(`${path} is not in data.lock`);
  return out.hash;
}

/** Every file under `dir`: relpath → content. */
function readTree(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else out[relative(dir, p)] = readFileSync(p, 'utf8');
    }
  };
  walk(dir);
  return out;
}

/** The objects a version of the model consists of: its manifest and its files. */
function modelObjects(f: Fixture, version: string): string[] {
  const hash = f.hashes[version] as string;
  return [hash, ...readManifest(f.origin, hash).map((e) => `sha256:${e.hash}`)].sort();
}

/** A fresh `git clone` of the origin (tags included): the committed remote, no cache. */
function freshClone(f: Fixture): Repo {
  const dir = tempDir('pipe-clone-');
  execFileSync('git', ['clone', '-q', f.origin.dir, dir]);
  return new Repo(dir);
}

/** A copy of the remote directory the test may change, set as the clone's remote in its config.local.yaml. */
async function ownRemote(f: Fixture, c: Repo): Promise<string> {
  const remote = tempDir('pipe-remote-');
  cpSync(f.remote, remote, { recursive: true });
  await ok(c, ['remote', 'modify', 'store', 'url', remote, '--local']);
  return remote;
}

function remoteObject(remote: string, hash: string): string {
  const hex = hexOf(hash);
  return join(remote, 'files', 'sha256', hex.slice(0, 2), `${hex.slice(2)}${hash.endsWith('.dir') ? '.dir' : ''}`);
}

describe('pipe model get', MANY_RUNS, () => {
  it('in a fresh clone fetches only the model’s objects from the directory remote and writes exactly its files', async () => {
    const f = await fixture();
    const c = freshClone(f);
    expect(existsSync(c.path('.pipe/cache'))).toBe(false);
    const r = await ok(c, ['model', 'get', 'churn#prod', '-o', 'out']);
    const prod = f.files['v0.0.1'] as Record<string, string>;
    const bytes = Object.values(prod).reduce((s, t) => s + Buffer.byteLength(t), 0);
    expect(r.stdout).toMatch(/^churn@v0\.0\.1, in 'prod' \(models\/churn at [0-9a-f]{7}\) → out: 4 files, 3\.0 KiB; fetched 5 objects \(3\.\d KiB\) from 'store'\n$/);
    expect(readTree(c.path('out'))).toEqual(prod);
    expect(statSync(c.path('out/serve.sh')).mode & 0o777).toBe(0o755);
    expect(statSync(c.path('out/model.json')).mode & 0o200).toBe(0o200); // the user's copy, not a read-only cache link
    // Only the model's objects came over: not v0.0.2's, not the other stage's.
    expect(storedObjects(c)).toEqual(modelObjects(f, 'v0.0.1'));
    expect(c.exists('models/churn')).toBe(false);

    // A bare NAME is the latest version; the default output is the path's last part in the cwd.
    const latest = JSON.parse((await ok(c, ['model', 'get', 'churn', '--json'])).stdout) as Record<string, unknown>;
    expect(latest).toMatchObject({ name: 'churn', version: 'v0.0.2', path: 'models/churn', hash: f.hashes['v0.0.2'], output: c.path('churn'), files: 4, fromCache: false });
    expect(latest.stage).toBeUndefined();
    expect(latest.commit).toBe(git(f.origin, 'rev-list', '-n', '1', 'churn@v0.0.2').trim());
    expect(readTree(c.path('churn'))).toEqual(f.files['v0.0.2']);

    // Again, elsewhere: all from the cache.
    const elsewhere = join(tempDir('pipe-out-'), 'm');
    const again = JSON.parse((await ok(c, ['model', 'get', 'churn@v0.0.1', '-o', elsewhere, '--json'])).stdout) as Record<string, unknown>;
    expect(again).toMatchObject({ version: 'v0.0.1', output: elsewhere, fetched: { objects: 0, bytes: 0 }, fromCache: true, bytes });
    expect(readTree(elsewhere)).toEqual(prod);

    // An object damaged in the cache is moved aside and fetched again.
    const weights = readManifest(f.origin, f.hashes['v0.0.1'] as string).find((e) => e.relpath === 'weights.bin');
    const inCache = objectPath(c, `sha256:${weights?.hash}`);
    chmodSync(inCache, 0o644);
    writeFileSync(inCache, 'damaged');
    const healed = JSON.parse((await ok(c, ['model', 'get', 'churn#prod', '-o', 'healed', '--json'])).stdout) as Record<string, unknown>;
    expect(healed).toMatchObject({ fetched: { objects: 1 }, fromCache: false });
    expect(readTree(c.path('healed'))).toEqual(prod);
  });

  it('refuses an object the remote sends wrong, naming it and the file it would have become; nothing is written', async () => {
    const f = await fixture();
    const c = freshClone(f);
    const remote = await ownRemote(f, c);
    const weights = readManifest(f.origin, f.hashes['v0.0.1'] as string).find((e) => e.relpath === 'weights.bin');
    writeFileSync(remoteObject(remote, `sha256:${weights?.hash}`), 'not the weights');
    const r = await c.pipe(['model', 'get', 'churn#prod', '-o', 'out']);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain(`error: remote 'store' sent 1 object of churn@v0.0.1 that does not match its name:\n  sha256:${weights?.hash} (for ${c.path('out/weights.bin')}): its bytes hash to sha256:${sha256('not the weights')}; refused\n`);
    expect(r.stderr).toContain(`Nothing was written to ${c.path('out')}.`);
    expect(c.exists('out')).toBe(false);
    expect(readdirSync(c.dir).filter((n) => n.includes('pipe-get'))).toEqual([]);
    expect(storedObjects(c)).not.toContain(`sha256:${weights?.hash}`);
  });

  it('refuses a manifest whose entry leaves the output directory, even when its hash matches', async () => {
    const f = await fixture();
    const c = freshClone(f);
    const remote = await ownRemote(f, c);
    const evil = `[${JSON.stringify({ relpath: '../escaped.txt', hash: sha256('x'), size: 1, exec: false })}]\n`;
    const evilHash = `sha256:${sha256(evil)}.dir`;
    for (const [hash, bytes] of [[evilHash, evil], [`sha256:${sha256('x')}`, 'x']]) {
      mkdirSync(dirname(remoteObject(remote, hash as string)), { recursive: true });
      writeFileSync(remoteObject(remote, hash as string), bytes as string);
    }
    c.write('data.lock', c.read('data.lock').replace(f.hashes['v0.0.2'] as string, evilHash));
    commitAll(c, 'a data.lock naming a manifest that escapes');
    git(c, 'tag', '-a', 'churn@v0.0.3', '-m', 'Registering artifact churn version v0.0.3', 'HEAD');
    const r = await c.pipe(['model', 'get', 'churn@v0.0.3', '-o', 'sub/out']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`${evilHash} (for ${c.path('sub/out')}): it is not a usable directory manifest (relpath "../escaped.txt" leaves its directory); refused`);
    expect([c.exists('sub/out'), c.exists('sub/escaped.txt'), c.exists('escaped.txt')]).toEqual([false, false, false]);
  });

  it('gets from the cache with no remote configured; without a cache it says how many objects are missing and how to add a remote', async () => {
    const f = await fixture();
    const noRemote = f.origin.clone();
    noRemote.write('.pipe/config.yaml', 'cache: {type: [copy]}\n');
    const r = await ok(noRemote, ['model', 'get', 'churn#prod', '-o', 'out', '--json']);
    expect(JSON.parse(r.stdout)).toMatchObject({ version: 'v0.0.1', fromCache: true, fetched: { objects: 0, bytes: 0 } });
    expect(readTree(noRemote.path('out'))).toEqual(f.files['v0.0.1']);

    const c = freshClone(f);
    c.write('.pipe/config.yaml', 'cache: {type: [copy]}\n');
    const missing = await c.pipe(['model', 'get', 'churn#prod']);
    expect([missing.code, missing.stdout]).toEqual([1, '']);
    expect(missing.stderr).toMatch(/^error: the cache lacks 1 object \(and the files its directory manifest lists\) that churn@v0\.0\.1 needs \(models\/churn sha256:[0-9a-f]{8}…\), and no remote is configured; add one with: pipe remote add NAME URL --default/);
    expect(c.exists('churn')).toBe(false);
  });

  it('refuses a non-empty output directory unless --force, which replaces it', async () => {
    const f = await fixture();
    const c = f.origin.clone();
    c.write('out/mine.txt', 'keep me\n');
    const r = await c.pipe(['model', 'get', 'churn', '-o', 'out']);
    expect([r.code, r.stdout, r.stderr]).toEqual([2, '', `error: pipe model get: ${c.path('out')} exists and is not empty; pass --force to replace it, or choose another directory with -o DIR\n`]);
    expect(c.read('out/mine.txt')).toBe('keep me\n');
    // The temp directory of a get that was killed goes; one of a live process stays.
    const dead = spawnSync('true').pid;
    c.write(`.out.pipe-get-${dead}-0badf00d/model.json`, 'half\n');
    c.write(`.out.pipe-get-${process.pid}-0badf00d/model.json`, 'in progress\n');
    await ok(c, ['model', 'get', 'churn', '-o', 'out', '--force']);
    expect(readTree(c.path('out'))).toEqual(f.files['v0.0.2']);
    expect(readdirSync(c.dir).filter((n) => n.startsWith('.out.'))).toEqual([`.out.pipe-get-${process.pid}-0badf00d`]);
    const inside = await c.pipe(['model', 'get', 'churn', '-o', '.pipe/cache/x']);
    expect([inside.code, inside.stderr]).toEqual([2, `error: pipe model get: -o ${c.path('.pipe/cache/x')} is inside .pipe/, which pipe manages\n`]);
    // Run from inside .git/ without -o: the refusal names the default destination, not a flag nobody gave.
    const fromGit = await runPipe(c.path('.git'), ['model', 'get', 'churn']);
    expect([fromGit.code, fromGit.stdout, fromGit.stderr]).toEqual([2, '', `error: pipe model get: ${c.path('.git/churn')} (where it goes without -o: the current directory) is inside .git/, which pipe manages; run it from another directory or choose one with -o DIR\n`]);
    // Through a symlink outside the repository that leads back into it: judged where it leads, --force or not.
    const link = join(tempDir('pipe-link-'), 'repo');
    symlinkSync(realpathSync(c.dir), link);
    const tags = git(c, 'tag', '-l').trim();
    for (const args of [['-o', join(link, '.git/refs')], ['-o', join(link, '.git/refs'), '--force'], ['-o', join(link, '.pipe/x')]]) {
      const through = await c.pipe(['model', 'get', 'churn', ...args]);
      expect([through.code, through.stdout], args.join(' ')).toEqual([2, '']);
      expect(through.stderr).toMatch(/^error: pipe model get: -o \S+ \(through a symlink, \S+\) is inside \.(git|pipe)\//);
    }
    expect(git(c, 'tag', '-l').trim()).toBe(tags);
    expect(existsSync(join(c.dir, '.git/refs/heads'))).toBe(true);
    // Into the workspace through it is fine.
    await ok(c, ['model', 'get', 'churn', '-o', join(link, 'elsewhere')]);
    expect(readTree(c.path('elsewhere'))).toEqual(f.files['v0.0.2']);
  });

  it('exits 2 for references that name nothing, and for a version whose data.lock lacks the artifact, naming the commit', async () => {
    const f = await fixture();
    const c = f.origin.clone();
    const cases: [string, string][] = [
      ['nope#prod', "error: no artifact 'nope' in the registry (no tag names it; known: churn)\n"],
      ['churn@v9.9.9', "error: 'churn' has no version v9.9.9 (registered: v0.0.1, v0.0.2)\n"],
      ['churn#dev', "error: no version of 'churn' is in stage 'dev'\n"],
      ['Churn Model', "error: 'Churn Model' is not a model reference: write NAME, NAME@vX.Y.Z, NAME@latest, NAME@greatest or NAME#STAGE (e.g. churn#prod)\n"],
    ];
    for (const [ref, message] of cases) {
      const r = await c.pipe(['model', 'get', ref]);
      expect([ref, r.code, r.stdout, r.stderr]).toEqual([ref, 2, '', message]);
    }
    git(c, 'tag', '-a', 'churn@v0.1.0', '-m', 'Registering artifact churn version v0.1.0', f.bare);
    const r = await c.pipe(['model', 'get', 'churn@v0.1.0']);
    expect([r.code, r.stderr]).toEqual([
      2,
      `error: data.lock at churn@v0.1.0's commit ${f.bare.slice(0, 7)} does not hold models/churn (artifact churn): that version has nothing to get; register a commit whose data.lock holds it (pipe model register churn REV)\n`,
    ]);
    expect(c.exists('churn')).toBe(false);
  });
});

describe('pipe model get from S3 (s3rver)', MANY_RUNS, () => {
  it('in a fresh clone fetches only the model’s objects and verifies them', async () => {
    const f = await fixture();
    const s3 = await startS3Server();
    try {
      await s3.createBucket('models');
      const url = 's3://models/team';
      const pusher = f.origin.clone();
      await ok(pusher, ['remote', 'add', 's3', url, '--endpoint', s3.endpoint, '--force-path-style', '--local'], s3.env);
      // Both versions' objects (push sends those of the checked-out data.lock).
      await ok(pusher, ['push', '-r', 's3'], s3.env);
      git(pusher, 'checkout', '-q', 'churn@v0.0.1');
      await ok(pusher, ['push', '-r', 's3'], s3.env);
      const pushed = [...s3.objects('models').keys()].filter((k) => k.startsWith('team/files/')).length;

      const c = freshClone(f);
      await ok(c, ['remote', 'add', 's3', url, '--endpoint', s3.endpoint, '--force-path-style', '--local'], s3.env);
      const r = await ok(c, ['model', 'get', 'churn#prod', '-o', 'out', '-r', 's3', '--json'], s3.env);
      expect(JSON.parse(r.stdout)).toMatchObject({ version: 'v0.0.1', remote: 's3', fetched: { objects: 5 }, fromCache: false });
      expect(readTree(c.path('out'))).toEqual(f.files['v0.0.1']);
      expect(storedObjects(c)).toEqual(modelObjects(f, 'v0.0.1'));
      expect(pushed).toBeGreaterThan(modelObjects(f, 'v0.0.1').length);
      expect(r.stdout + r.stderr).not.toContain(s3.secretAccessKey);

      // A tampered object on S3 is refused like one on a directory.
      const weights = readManifest(f.origin, f.hashes['v0.0.2'] as string).find((e) => e.relpath === 'weights.bin');
      const hex = hexOf(`sha256:${weights?.hash}`);
      writeFileSync(join(s3.dir, 'models', 'team', 'files', 'sha256', hex.slice(0, 2), `${hex.slice(2)}._S3rver_object`), 'tampered');
      const bad = await c.pipe(['model', 'get', 'churn', '-o', 'latest', '-r', 's3'], { env: s3.env });
      expect(bad.code).toBe(1);
      expect(bad.stderr).toContain(`sha256:${weights?.hash} (for ${c.path('latest/weights.bin')}): its bytes hash to sha256:${sha256('tampered')}; refused`);
      expect(c.exists('latest')).toBe(false);
    } finally {
      await s3.stop();
    }
  });
});
