/** @module push, fetch and pull against a real S3-protocol server (s3rver on 127.0.0.1): round trips, a server killed mid-push, and every error a person can hit. */
import { randomBytes } from 'node:crypto';
import { readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hexOf, readObject, sha256, storedObjects } from '../helpers/cache.js';
import { git } from '../helpers/git.js';
import { makeRepo, removeRepos, type Repo } from '../helpers/repo.js';
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

/** A repository tracking `data/` (n small files, plus `big` bytes in one file when given) with an S3 remote `s3` → bucket/prefix. */
async function s3Repo(bucket: string, { n, big = 0, prefix = 'team/pipe', server = s3 }: { n: number; big?: number; prefix?: string; server?: S3Server }): Promise<Repo> {
  const repo = makeRepo({ 'pipeline.yaml': 'stages: {}\n' });
  for (let i = 0; i < n; i++) repo.write(`data/f${String(i).padStart(5, '0')}.bin`, randomBytes(64 + ((i * 7919) % 4096)).toString('base64'));
  if (big) writeFileSync(repo.path('data/big.bin'), randomBytes(big));
  await ok(repo, ['add', 'data']);
  await ok(repo, ['remote', 'add', 's3', `s3://${bucket}/${prefix}`, '--endpoint', server.endpoint, '--force-path-style', '--default']);
  return repo;
}

/** A copy of the repository as a fresh clone would be: no cache, no data in the workspace. */
function freshCopy(repo: Repo): Repo {
  const c = repo.clone();
  rmSync(c.path('.pipe/cache'), { recursive: true, force: true });
  rmSync(c.path('.pipe/tmp'), { recursive: true, force: true });
  rmSync(c.path('data'), { recursive: true, force: true });
  return c;
}

/** Every object under `prefix` on the server hashes to its key; returns how many there are. */
function expectRemoteIntact(bucket: string, prefix: string, server: S3Server = s3): number {
  let n = 0;
  for (const [key, bytes] of server.objects(bucket)) {
    const m = new RegExp(`^${prefix}/files/sha256/([0-9a-f]{2})/([0-9a-f]{62})(\\.dir)?$`).exec(key);
    if (!m) continue;
    expect(sha256(bytes), key).toBe(`${m[1]}${m[2]}`);
    n++;
  }
  return n;
}

function countServerObjects(server: S3Server, bucket: string): number {
  let n = 0;
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      if (e.isDirectory()) walk(join(d, e.name));
      else if (e.name.endsWith('._S3rver_object')) n++;
    }
  };
  try {
    walk(join(server.dir, bucket));
  } catch {
    // not created yet
  }
  return n;
}

async function freePort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const port = (srv.address() as { port: number }).port;
  await new Promise((r) => srv.close(r));
  return port;
}

const oneLine = (stderr: string) => expect(stderr.trimEnd().split('\n'), stderr).toHaveLength(1);

describe('S3 remote (s3rver)', MANY_RUNS, () => {
  it('push, no-op push, pull into a fresh copy (a 20 MiB file goes up in parts); a tampered object is rejected on fetch', async () => {
    await s3.createBucket('round');
    const repo = await s3Repo('round', { n: 40, big: 20 << 20 });
    const objects = storedObjects(repo);
    const pushed = await ok(repo, ['push']);
    expect(pushed.stdout).toMatch(new RegExp(`^pushed ${objects.length} objects \\(20\\.\\d MiB\\) to s3 in \\d+\\.\\d s; 0 already there\\n$`));
    expect(expectRemoteIntact('round', 'team/pipe')).toBe(objects.length);

    const again = await ok(repo, ['push']);
    expect(again.stdout).toMatch(new RegExp(`^pushed 0 objects \\(0 B\\) to s3 in \\d+\\.\\d s; ${objects.length} already there\\n$`));

    const b = freshCopy(repo);
    const pulled = await ok(b, ['pull']);
    expect(pulled.stdout).toMatch(new RegExp(`^fetched ${objects.length} objects \\(20\\.\\d MiB\\) from s3 in .*; 0 already in the cache\\n1 linked`));
    expect(storedObjects(b)).toEqual(objects);
    for (const name of ['big.bin', 'f00000.bin', 'f00039.bin']) expect(readFileSync(b.path(`data/${name}`)).equals(readFileSync(repo.path(`data/${name}`)))).toBe(true);

    // Tamper with one object on the server: a fresh fetch rejects it and stores everything else.
    const victim = objects.find((h) => !h.endsWith('.dir')) as string;
    const hex = hexOf(victim);
    writeFileSync(join(s3.dir, 'round', 'team', 'pipe', 'files', 'sha256', hex.slice(0, 2), `${hex.slice(2)}._S3rver_object`), 'tampered');
    const c = freshCopy(repo);
    const r = await c.pipe(['fetch'], { env: s3.env });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`${victim} (data): its bytes hash to sha256:${sha256('tampered')}; not stored`);
    expect(storedObjects(c)).toEqual(objects.filter((h) => h !== victim));
  });

  it('killing the server mid-push fails with one line; the next push completes and no object on the server is corrupt; a killed fetch resumes', async () => {
    // A server of its own: the other tests must not see it die.
    const own = await startS3Server();
    try {
      await own.createBucket('crash');
      const repo = await s3Repo('crash', { n: 500, server: own });
      const objects = storedObjects(repo);
      const push = repo.start(['push', '-j', '16'], { env: own.env });
      while (countServerObjects(own, 'crash') < 100) {
        if (push.child.exitCode !== null) break;
        await new Promise((r) => setTimeout(r, 20));
      }
      own.kill();
      const failed = await push.done;
      expect(failed.code, failed.stdout + failed.stderr).toBe(1);
      expect(failed.stderr).toMatch(new RegExp(`^error: remote 's3': cannot reach http://127\\.0\\.0\\.1:${own.port} \\((connection refused|connection reset)\\)`));
      oneLine(failed.stderr);
      await own.restart();
      const done = await ok(repo, ['push'], own.env);
      expect(done.stdout).toMatch(/^pushed [\d,]+ objects .* to s3 in .*; [\d,]+ already there/);
      expect(expectRemoteIntact('crash', 'team/pipe', own)).toBe(objects.length);
      expect((await ok(repo, ['push'], own.env)).stdout).toMatch(new RegExp(`; ${objects.length.toLocaleString('en-US')} already there\\n$`));

      // A fetch killed half-way leaves only whole objects; the next one completes.
      const b = freshCopy(repo);
      const fetch = b.start(['fetch', '-j', '4'], { env: own.env });
      while (storedObjectsSafe(b) < 150 && fetch.child.exitCode === null) await new Promise((r) => setTimeout(r, 10));
      fetch.child.kill('SIGKILL');
      await fetch.done;
      for (const h of storedObjects(b)) expect(sha256(readObject(b, h)), h).toBe(hexOf(h));
      await ok(b, ['pull'], own.env);
      expect(storedObjects(b)).toEqual(objects);
    } finally {
      await own.stop();
    }
  });

  it('a missing bucket, a refused connection and bad credentials are one line each, exit 1, and never show the secret', async () => {
    const repo = makeRepo({ 'pipeline.yaml': 'stages: {}\n', 'data/x.txt': 'x\n' });
    await ok(repo, ['add', 'data']);
    await ok(repo, ['remote', 'add', 's3', 's3://no-such-bucket/p', '--endpoint', s3.endpoint]);
    const secrets = [s3.secretAccessKey];
    const noSecret = (r: { stdout: string; stderr: string }) => {
      for (const s of secrets) expect(r.stdout + r.stderr).not.toContain(s);
    };

    const missing = await repo.pipe(['push'], { env: s3.env });
    expect(missing.code).toBe(1);
    expect(missing.stderr).toBe(
      `error: remote 's3': bucket 'no-such-bucket' does not exist at ${s3.endpoint}; create it, or point the remote at another one: pipe remote modify s3 url s3://BUCKET/PREFIX\n`,
    );
    noSecret(missing);

    const port = await freePort();
    await ok(repo, ['remote', 'modify', 's3', 'endpoint', `http://127.0.0.1:${port}`]);
    // fetch and pull only need the network when the cache lacks something: a fresh copy does.
    const fresh = freshCopy(repo);
    for (const [where, cmd] of [[repo, ['push']], [fresh, ['fetch']], [fresh, ['pull']], [repo, ['status', '--remote']]] as const) {
      const r = await where.pipe(cmd, { env: s3.env });
      expect(r.code, `${cmd.join(' ')}: ${r.stderr}`).toBe(1);
      expect(r.stderr).toMatch(new RegExp(`^error: remote 's3': cannot reach http://127\\.0\\.0\\.1:${port} \\(connection refused\\); check that the server is up`));
      oneLine(r.stderr);
      noSecret(r);
    }

    await s3.createBucket('denied');
    await ok(repo, ['remote', 'modify', 's3', 'endpoint', s3.endpoint]);
    await ok(repo, ['remote', 'modify', 's3', 'url', 's3://denied/p']);
    const wrong = `wrong-${randomBytes(8).toString('hex')}`;
    secrets.push(wrong);
    // (s3rver checks the key id, not SigV4 signatures: a key it does not know is the denial it can give.)
    const denied = await repo.pipe(['push'], { env: { ...s3.env, AWS_ACCESS_KEY_ID: 'someone-else', AWS_SECRET_ACCESS_KEY: wrong } });
    expect(denied.code).toBe(1);
    expect(denied.stderr).toMatch(/^error: remote 's3': access denied to s3:\/\/denied\/p at http:\/\/127\.0\.0\.1:\d+ \((InvalidAccessKeyId|HTTP 403)\); check the credentials \(from AWS_ACCESS_KEY_ID \/ AWS_SECRET_ACCESS_KEY\)/);
    oneLine(denied.stderr);
    noSecret(denied);

    // Credentials kept in config.local.yaml: used, never printed, never committed.
    const noEnv = { ...s3.env, AWS_ACCESS_KEY_ID: '', AWS_SECRET_ACCESS_KEY: '' };
    await ok(repo, ['remote', 'modify', 's3', 'access_key_id', s3.accessKeyId]);
    const set = await ok(repo, ['remote', 'modify', 's3', 'secret_access_key', s3.secretAccessKey]);
    expect(set.stdout).toBe("set secret_access_key for remote 's3' in .pipe/config.local.yaml\n");
    noSecret(set);
    const pushed = await ok(repo, ['push'], noEnv);
    expect(pushed.stdout).toMatch(/^pushed 2 objects \(\d+ B\) to s3/);
    const list = await ok(repo, ['remote', 'list'], noEnv);
    expect(list.stdout).toContain('credentials: .pipe/config.local.yaml');
    noSecret(list);
    noSecret(await ok(repo, ['remote', 'list', '--json'], noEnv));
    git(repo, 'add', '-A');
    expect(git(repo, 'ls-files')).not.toContain('config.local.yaml');

    // No credentials anywhere: requests go unsigned (s3rver takes them) — never to ~/.aws or an
    // instance-metadata service, which would hang or leave 127.0.0.1.
    await ok(repo, ['remote', 'modify', 's3', 'access_key_id', '--unset']);
    await ok(repo, ['remote', 'modify', 's3', 'secret_access_key', '--unset']);
    await ok(repo, ['remote', 'modify', 's3', 'url', 's3://denied/anonymous']);
    expect((await ok(repo, ['push'], noEnv)).stdout).toMatch(/^pushed 2 objects/);
    expect((await ok(repo, ['remote', 'list'], noEnv)).stdout).toContain('credentials: none');
    expect(repo.read('.pipe/config.yaml')).not.toContain(s3.secretAccessKey);
  });
});

function storedObjectsSafe(repo: Repo): number {
  try {
    return storedObjects(repo).length;
  } catch {
    return 0;
  }
}
