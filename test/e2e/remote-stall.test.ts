/** @module Remotes that stall or refuse writes: an S3 server frozen (SIGSTOP) mid-push and mid-pull, a full or read-only directory remote, a full or read-only cache. Each is one exit-1 line; nothing half-written stays. */
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, chownSync, existsSync, lchownSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { hexOf, readObject, sha256, storedObjects } from '../helpers/cache.js';
import { PIPE_BIN, type PipeResult, type RunningPipe } from '../helpers/pipe.js';
import { makeRepo, ok, removeRepos, type Repo } from '../helpers/repo.js';
import { startS3Server, type S3Server } from '../helpers/s3-server.js';
import { tempDir } from '../helpers/temp-dir.js';
import { MANY_RUNS } from '../helpers/timeouts.js';
import { mountTmpfs, tmpfsUnavailable } from '../helpers/tmpfs.js';
import { waitUntil } from '../helpers/wait-until.js';

afterAll(removeRepos);

/** A repository tracking `data/`: `n` small files, or `big` files of 400 KB. */
async function dataRepo({ n = 0, big = 0 }: { n?: number; big?: number }): Promise<Repo> {
  const repo = makeRepo({ 'pipeline.yaml': 'stages: {}\n' });
  for (let i = 0; i < n; i++) repo.write(`data/f${String(i).padStart(5, '0')}.bin`, randomBytes(64 + ((i * 7919) % 4096)).toString('base64'));
  mkdirSync(repo.path('data'), { recursive: true });
  for (let i = 0; i < big; i++) writeFileSync(repo.path(`data/big${i}.bin`), randomBytes(400_000));
  await ok(repo, ['add', 'data']);
  return repo;
}

/** A copy of the repository as a fresh clone would be: no cache, no data in the workspace. */
function freshCopy(repo: Repo): Repo {
  const c = repo.clone();
  for (const d of ['.pipe/cache', '.pipe/tmp', 'data']) rmSync(c.path(d), { recursive: true, force: true });
  return c;
}

/** Every file under `dir`, relative to it. */
function filesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => relative(dir, join(e.parentPath, e.name)));
}

/** Whole objects only: every file of a directory remote is an object named by its hash, no temp file. */
function expectOnlyWholeObjects(root: string): number {
  const files = filesUnder(root);
  for (const f of files) {
    const m = /^files\/sha256\/([0-9a-f]{2})\/([0-9a-f]{62})(\.dir)?$/.exec(f);
    expect(m, f).not.toBeNull();
    expect(sha256(readFileSync(join(root, f))), f).toBe(`${m?.[1]}${m?.[2]}`);
  }
  return files.length;
}

/** The cache holds only objects that match their names, and no download in progress. */
function expectCacheWhole(repo: Repo): void {
  for (const h of storedObjects(repo)) expect(sha256(readObject(repo, h)), h).toBe(hexOf(h));
  expect(filesUnder(repo.path('.pipe/cache/tmp'))).toEqual([]);
}

const oneLine = (stderr: string) => expect(stderr.trimEnd().split('\n'), stderr).toHaveLength(1);
const storedCount = (repo: Repo) => {
  try {
    return storedObjects(repo).length;
  } catch {
    return 0;
  }
};
const countS3Objects = (server: S3Server, bucket: string) => {
  try {
    return server.objects(bucket).size;
  } catch {
    return 0;
  }
};

/** Freezes `s3` once `moved()` reaches 50 objects; the command must then end by itself (not by its kill timer) with exit 1 and one line. */
async function frozenMidway(s3: S3Server, running: RunningPipe, moved: () => number): Promise<PipeResult> {
  await waitUntil(() => moved() >= 50 || running.child.exitCode !== null, 'the transfer to start', { timeoutMs: 120_000 });
  s3.freeze();
  const r = await running.done;
  expect(r.signal, 'pipe hung on a frozen server and was killed').toBeNull();
  expect(r.code, r.stdout + r.stderr).toBe(1);
  oneLine(r.stderr);
  return r;
}

describe('a frozen S3 server (SIGSTOP)', MANY_RUNS, () => {
  it('stops push and fetch mid-way with one line naming the remote and the setting, within the configured bound; after SIGCONT both complete', async () => {
    const s3 = await startS3Server();
    try {
      await s3.createBucket('frozen');
      const repo = await dataRepo({ n: 600 });
      const objects = storedObjects(repo);
      await ok(repo, ['remote', 'add', 's3', 's3://frozen/p', '--endpoint', s3.endpoint, '--default']);
      // Small bounds, so that "gave up" comes within seconds: 2 s of silence, 2 attempts.
      const small = [['timeout', '2'], ['connect_timeout', '2'], ['retries', '1']] as const;
      const setBounds = async (r: Repo, on: boolean) => {
        for (const [k, v] of small) await ok(r, ['remote', 'modify', 's3', k, ...(on ? [v] : ['--unset'])]);
      };
      await setBounds(repo, true);
      expect((await ok(repo, ['remote', 'list'])).stdout).toContain('timeout=2, connect_timeout=2, retries=1');
      const bad = await repo.pipe(['remote', 'modify', 's3', 'timeout', 'soon']);
      expect([bad.code, bad.stderr]).toEqual([2, "error: timeout must be a number of seconds above 0 and at most 3600, not 'soon'\n"]);
      const stalled = new RegExp(
        `^error: remote 's3': http://127\\.0\\.0\\.1:${s3.port} stopped answering \\((no reply for 2 s|no connection within 2 s)(, \\d attempts)?\\); check that the server is up and reachable, or allow more time: pipe remote modify s3 (timeout|connect_timeout) SECONDS \\(or retries N\\); then run the command again \\(what was transferred is kept\\)\\n$`,
      );

      // The pipe process's own kill timer is the hang detector: far above the 2 × 2 s bound, far below "hung for minutes".
      const failed = await frozenMidway(s3, repo.start(['push', '-j', '4'], { env: s3.env, timeoutMs: 120_000 }), () => countS3Objects(s3, 'frozen'));
      expect(failed.stderr).toMatch(stalled);
      expect(failed.stderr + failed.stdout).not.toContain(s3.secretAccessKey);

      // The defaults again for the runs that must succeed: on a loaded machine a thawed server may take more than 2 s.
      s3.thaw();
      await setBounds(repo, false);
      expect((await ok(repo, ['push'], s3.env)).stdout).toMatch(/^pushed [\d,]+ objects .* to s3 in .*; [\d,]+ already there/);
      for (const [key, bytes] of s3.objects('frozen')) {
        const m = /^p\/files\/sha256\/([0-9a-f]{2})\/([0-9a-f]{62})(\.dir)?$/.exec(key);
        if (m) expect(sha256(bytes), key).toBe(`${m[1]}${m[2]}`);
      }

      const b = freshCopy(repo);
      await setBounds(b, true);
      const stopped = await frozenMidway(s3, b.start(['fetch', '-j', '4'], { env: s3.env, timeoutMs: 120_000 }), () => storedCount(b));
      expect(stopped.stderr).toMatch(stalled);
      expectCacheWhole(b);

      s3.thaw();
      await setBounds(b, false);
      await ok(b, ['pull'], s3.env);
      expect(storedObjects(b)).toEqual(objects);
    } finally {
      s3.thaw();
      await s3.stop();
    }
  });
});

describe('an S3 server that sends more than an object can be', MANY_RUNS, () => {
  it('fetch reads no further than the size data.lock or the directory manifest gives, and stores nothing of it', async () => {
    const s3 = await startS3Server();
    try {
      await s3.createBucket('long');
      const repo = makeRepo({ 'pipeline.yaml': 'stages: {}\n', 'one.txt': 'the one file\n', 'dir/a.txt': 'a\n', 'dir/b.txt': 'b\n' });
      await ok(repo, ['add', 'one.txt', 'dir']);
      await ok(repo, ['remote', 'add', 's3', 's3://long/p', '--endpoint', s3.endpoint, '--default']);
      await ok(repo, ['push'], s3.env);
      // Both a top-level file and a file inside the directory become 10 MiB on the server.
      const padded = (text: string) => Buffer.concat([Buffer.from(text), Buffer.alloc(10 << 20)]);
      for (const text of ['the one file\n', 'a\n']) {
        const hex = sha256(text);
        writeFileSync(join(s3.dir, 'long', 'p', 'files', 'sha256', hex.slice(0, 2), `${hex.slice(2)}._S3rver_object`), padded(text));
      }
      const b = freshCopy(repo);
      rmSync(b.path('one.txt'));
      const r = await b.pipe(['fetch'], { env: s3.env });
      expect(r.code, r.stderr).toBe(1);
      expect(r.stderr).toContain(`sha256:${sha256('the one file\n')} (one.txt): the remote has more than the 13 bytes it can be; not stored`);
      expect(r.stderr).toContain(`sha256:${sha256('a\n')} (dir): the remote has more than the 2 bytes it can be; not stored`);
      expectCacheWhole(b);
      expect(storedObjects(b)).not.toContain(`sha256:${sha256('a\n')}`);
    } finally {
      await s3.stop();
    }
  });
});

describe('repro --pull against a remote that stalls or lies', MANY_RUNS, () => {
  it('reads a tracked file no further than data.lock says, and asks a frozen server once per run, not once per stage', async () => {
    const s3 = await startS3Server();
    try {
      await s3.createBucket('rpull');
      const stages = ['a', 'b', 'c'].map((n) => `  ${n}:\n    cmd: cp one.txt out-${n}.txt\n    deps: [one.txt]\n    outs: [out-${n}.txt]\n`);
      const repo = makeRepo({ 'pipeline.yaml': `stages:\n${stages.join('')}`, 'one.txt': 'the one file\n' });
      await ok(repo, ['add', 'one.txt']);
      await ok(repo, ['repro']);
      await ok(repo, ['remote', 'add', 's3', 's3://rpull/p', '--endpoint', s3.endpoint, '--default']);
      await ok(repo, ['push'], s3.env);

      // The tracked file becomes 10 MiB on the server: the lock's 13 bytes bound the read.
      const hex = sha256('the one file\n');
      const objectFile = join(s3.dir, 'rpull', 'p', 'files', 'sha256', hex.slice(0, 2), `${hex.slice(2)}._S3rver_object`);
      const good = readFileSync(objectFile);
      writeFileSync(objectFile, Buffer.concat([good, Buffer.alloc(10 << 20)]));
      const b = freshCopy(repo);
      rmSync(b.path('one.txt'));
      for (const n of ['a', 'b', 'c']) rmSync(b.path(`out-${n}.txt`), { force: true });
      const lied = await b.pipe(['repro', '--pull'], { env: s3.env });
      expect(lied.stderr).toContain(`one.txt: remote 's3' sent sha256:${hex} (one.txt) damaged: the remote has more than the 13 bytes it can be`);
      expect(lied.stderr).not.toMatch(/internal error|\n\s+at /);
      expectCacheWhole(b);
      writeFileSync(objectFile, good);

      // Frozen: the first stage that asks waits out one bound; the others do not ask again and run.
      const c = freshCopy(repo);
      for (const [k, v] of [['timeout', '2'], ['connect_timeout', '2'], ['retries', '1']] as const) await ok(c, ['remote', 'modify', 's3', k, v]);
      writeFileSync(c.path('one.txt'), 'the one file\n');
      for (const n of ['a', 'b', 'c']) rmSync(c.path(`out-${n}.txt`), { force: true });
      s3.freeze();
      const r = await c.pipe(['repro', '--pull', '-j', '1'], { env: s3.env, timeoutMs: 120_000 });
      s3.thaw();
      expect(r.signal, 'pipe hung on a frozen server and was killed').toBeNull();
      expect(r.code, r.stderr).toBe(0);
      expect(r.stderr.match(/could not use remote 's3': .*stopped answering.* — not asked again in this run: stages run instead$/gm), r.stderr).toHaveLength(1);
      expect(r.stderr.match(/remote 's3'/g), r.stderr).toHaveLength(1);
      for (const n of ['a', 'b', 'c']) expect(c.read(`out-${n}.txt`)).toBe('the one file\n');
      expect(r.stderr + r.stdout).not.toContain(s3.secretAccessKey);
    } finally {
      s3.thaw();
      await s3.stop();
    }
  });
});

const noMount = tmpfsUnavailable ? ` (skipped: ${tmpfsUnavailable})` : '';
/** Root ignores file modes: EACCES needs pipe run as another user, which needs root to arrange. */
const asNobody = process.getuid?.() !== 0 ? 'running pipe as another user needs root' : spawnSync('setpriv', ['--version']).status !== 0 ? 'setpriv is not installed' : '';

describe('a directory remote or a cache that refuses writes (a real tmpfs)', MANY_RUNS, () => {
  it.skipIf(noMount)(`push to a full, then a read-only, remote: one line each, no temp file or partial object left${noMount}`, async () => {
    const repo = await dataRepo({ big: 6 });
    const fs = mountTmpfs(join(tempDir(), 'remote'), { sizeBytes: 1 << 20 });
    try {
      await ok(repo, ['remote', 'add', 'share', fs.dir, '--default']);
      const full = await repo.pipe(['push']);
      expect(full.code, full.stderr).toBe(1);
      expect(full.stderr).toMatch(
        new RegExp(
          `^error: remote 'share' \\(${fs.dir}\\) is full \\(ENOSPC\\) while writing files/sha256/[0-9a-f]{2}/[0-9a-f]{62}; nothing was left half-written: free space on ${fs.dir}, then run the command again \\(what was already written is kept\\)\\n$`,
        ),
      );
      expect(expectOnlyWholeObjects(fs.dir)).toBeLessThan(storedObjects(repo).length);

      fs.remount({ sizeBytes: 8 << 20 });
      expect((await ok(repo, ['push'])).stdout).toMatch(/^pushed \d+ objects/);
      expect(expectOnlyWholeObjects(fs.dir)).toBe(storedObjects(repo).length);

      writeFileSync(repo.path('data/new.bin'), randomBytes(1000));
      await ok(repo, ['add', 'data']);
      fs.remount({ readOnly: true });
      const ro = await repo.pipe(['push']);
      expect(ro.code, ro.stderr).toBe(1);
      expect(ro.stderr).toMatch(
        new RegExp(`^error: remote 'share' \\(${fs.dir}\\) is read-only \\(EROFS\\) while writing files/sha256/[0-9a-f]{2}.*; nothing was left half-written: make ${fs.dir} writable`),
      );
      oneLine(ro.stderr);
    } finally {
      fs.unmount();
    }
  });

  it.skipIf(asNobody)(`push to a directory remote this user cannot write: one line, EACCES named${asNobody ? ` (skipped: ${asNobody})` : ''}`, async () => {
    const repo = await dataRepo({ big: 1 });
    const share = tempDir();
    await ok(repo, ['remote', 'add', 'share', share, '--default']);
    // pipe runs as nobody, owning its repository; the share stays root's, mode 0755.
    chmodSync(share, 0o755);
    chownSync(repo.dir, 65534, 65534);
    for (const e of readdirSync(repo.dir, { recursive: true })) lchownSync(join(repo.dir, String(e)), 65534, 65534);
    const r = spawnSync('setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', process.execPath, PIPE_BIN, 'push'], {
      cwd: repo.dir,
      env: { ...process.env, HOME: repo.dir, NO_COLOR: '1' },
      encoding: 'utf8',
      timeout: 120_000,
    });
    expect(r.status, r.stderr).toBe(1);
    expect(r.stderr).toMatch(
      new RegExp(`^error: remote 'share' \\(${share}\\) is not writable by this user \\(EACCES\\) while writing files/sha256/[0-9a-f]{2}; nothing was left half-written: give this user write access to ${share}`),
    );
    oneLine(r.stderr);
    expect(filesUnder(share)).toEqual([]);
  });

  it.skipIf(noMount)(`pull into a full, then a read-only, cache (from a directory and from S3): one line each, nothing half-written${noMount}`, async () => {
    const repo = await dataRepo({ big: 6 });
    const store = tempDir();
    await ok(repo, ['remote', 'add', 'share', store]);
    await ok(repo, ['push', '-r', 'share']);
    const s3 = await startS3Server();
    try {
      await s3.createBucket('pull');
      await ok(repo, ['remote', 'add', 's3', 's3://pull/p', '--endpoint', s3.endpoint]);
      await ok(repo, ['push', '-r', 's3'], s3.env);

      for (const remote of ['share', 's3']) {
        const b = freshCopy(repo);
        const cache = mountTmpfs(b.path('.pipe/cache'), { sizeBytes: 1 << 20 });
        try {
          const full = await b.pipe(['pull', '-r', remote], { env: s3.env });
          expect(full.code, `${remote}: ${full.stderr}`).toBe(1);
          expect(full.stderr).toMatch(
            new RegExp(
              `^error: the cache \\(${b.path('.pipe/cache')}\\) is full \\(ENOSPC\\) while writing files/sha256/[0-9a-f]{2}/[0-9a-f]{62}; nothing was left half-written: free space on ${b.path('.pipe/cache')} \\(pipe gc removes objects the workspace does not use\\), then run the command again`,
            ),
          );
          oneLine(full.stderr);
          expectCacheWhole(b);

          cache.remount({ readOnly: true });
          const ro = await b.pipe(['pull', '-r', remote], { env: s3.env });
          expect(ro.code, `${remote}: ${ro.stderr}`).toBe(1);
          expect(ro.stderr).toMatch(new RegExp(`^error: the cache \\(${b.path('.pipe/cache')}\\) is read-only \\(EROFS\\) while writing .*; nothing was left half-written: make`));
          oneLine(ro.stderr);
        } finally {
          cache.unmount();
        }
      }
    } finally {
      await s3.stop();
    }
  });
});
