/** @module `pipe remote …`: remotes in .pipe/config.yaml (comments kept), credentials only in config.local.yaml, and the errors that say how to set one up. */
import { mkdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { runPipe } from '../helpers/pipe.js';
import { makeRepo, removeRepos, type Repo } from '../helpers/repo.js';

afterAll(removeRepos);

async function ok(repo: Repo, args: string[], cwd?: string) {
  const r = cwd ? await runPipe(cwd, args) : await repo.pipe(args);
  expect(r.code, `pipe ${args.join(' ')}\n${r.stdout}\n${r.stderr}`).toBe(0);
  return r;
}

function repoWithData(): Repo {
  return makeRepo({ 'pipeline.yaml': 'stages: {}\n', 'data/a.txt': 'a\n' });
}

describe('pipe remote', () => {
  it('push, fetch and pull without a remote say how to add one (exit 1)', async () => {
    const repo = repoWithData();
    await ok(repo, ['add', 'data']);
    for (const cmd of ['push', 'fetch', 'pull']) {
      const r = await repo.pipe([cmd]);
      expect(r.code).toBe(1);
      expect(r.stderr).toBe(
        'error: no remote is configured; add one with: pipe remote add NAME URL --default  (URL: a directory such as /mnt/share/pipe, or s3://bucket/prefix)\n',
      );
    }
    const rp = await repo.pipe(['repro', '--pull']);
    expect(rp.code).toBe(1);
    expect(rp.stderr).toMatch(/^error: no remote is configured/);
  });

  it('remote add of a directory that does not exist warns that push would fail; --create makes it, and the first push succeeds', async () => {
    const repo = repoWithData();
    await ok(repo, ['add', 'data']);
    const missing = join(repo.dir, '..', `${repo.dir.split('/').pop()}-store`, 'nested');
    const warned = await ok(repo, ['remote', 'add', 'far', missing, '--default']);
    expect(warned.stdout).toBe(`added remote 'far' (${missing}) to .pipe/config.yaml; it is the default remote\n`);
    expect(warned.stderr).toBe(
      `warning: directory ${missing} does not exist, so 'pipe push' to 'far' fails until it does: create it (mkdir -p ${missing}), mount the share it should be on, or add the remote with --create\n`,
    );
    expect((await repo.pipe(['push'])).code).toBe(1);

    const created = await ok(repo, ['remote', 'add', 'near', 'store/nested', '--create']);
    expect(created.stderr).toBe('');
    expect(created.stdout).toBe(`added remote 'near' (store/nested) to .pipe/config.yaml\ncreated directory ${repo.path('store/nested')}\n`);
    expect(statSync(repo.path('store/nested')).isDirectory()).toBe(true);
    expect((await ok(repo, ['push', '-r', 'near'])).stdout).toMatch(/^pushed 2 objects/);
    // An existing directory: no warning; --create on an S3 remote is a usage error.
    expect((await ok(repo, ['remote', 'add', 'again', 'store/nested'])).stderr).toBe('');
    const s3 = await repo.pipe(['remote', 'add', 'cloud', 's3://bucket/x', '--create']);
    expect(s3.code).toBe(2);
    expect(s3.stderr).toBe("error: --create applies to directory remotes only (an S3 bucket is created with your provider's tools)\n");
  });

  it('add, list, default, modify and remove edit .pipe/config.yaml in place, keeping its comments', async () => {
    const repo = repoWithData();
    repo.write('.pipe/config.yaml', '# team settings\ncache:\n  type: [hardlink, copy] # no reflinks here\n');
    await ok(repo, ['remote', 'add', 'share', '../shared-store']);
    await ok(repo, ['remote', 'add', 'cloud', 's3://ml-bucket/churn', '--endpoint', 'http://127.0.0.1:9000', '--region', 'eu-west-1', '--force-path-style']);
    let text = repo.read('.pipe/config.yaml');
    expect(text).toContain('# team settings\n');
    expect(text).toContain('# no reflinks here');
    expect(parse(text)).toEqual({
      cache: { type: ['hardlink', 'copy'] },
      remotes: {
        share: { url: '../shared-store' },
        cloud: { url: 's3://ml-bucket/churn', endpoint: 'http://127.0.0.1:9000', region: 'eu-west-1', force_path_style: true },
      },
    });
    // Two remotes and no default: push asks which.
    const which = await repo.pipe(['push']);
    expect(which.code).toBe(1);
    expect(which.stderr).toBe("error: 2 remotes are configured (share, cloud) and none is the default; pass -r NAME, or choose one with: pipe remote default NAME\n");

    expect((await ok(repo, ['remote', 'default', 'cloud'])).stdout).toBe("'cloud' is the default remote (.pipe/config.yaml)\n");
    const list = await ok(repo, ['remote', 'list']);
    expect(list.stdout).toBe(
      '  share  ../shared-store\n* cloud  s3://ml-bucket/churn  (endpoint=http://127.0.0.1:9000, region=eu-west-1, force_path_style=true, credentials: none)\n',
    );
    const json = JSON.parse((await ok(repo, ['remote', 'list', '--json'])).stdout) as { remotes: { name: string; isDefault: boolean }[] };
    expect(json.remotes.map((r) => [r.name, r.isDefault])).toEqual([
      ['share', false],
      ['cloud', true],
    ]);

    await ok(repo, ['remote', 'modify', 'cloud', 'region', 'us-east-2']);
    await ok(repo, ['remote', 'modify', 'cloud', 'force_path_style', '--unset']);
    expect(parse(repo.read('.pipe/config.yaml')).remotes.cloud).toEqual({ url: 's3://ml-bucket/churn', endpoint: 'http://127.0.0.1:9000', region: 'us-east-2' });

    const removed = await ok(repo, ['remote', 'remove', 'cloud']);
    expect(removed.stdout).toBe("removed remote 'cloud' from .pipe/config.yaml; there is no default remote now\n");
    text = repo.read('.pipe/config.yaml');
    expect(parse(text)).toEqual({ cache: { type: ['hardlink', 'copy'] }, remotes: { share: { url: '../shared-store' } } });
    expect(text).toContain('# team settings\n');
    // One remote left: it is used without being the default.
    expect((await ok(repo, ['remote', 'default'])).stdout).toBe('share\n');
  });

  it('a relative directory remote is relative to the repository root, wherever pipe runs; a missing one says so', async () => {
    const repo = repoWithData();
    await ok(repo, ['add', 'data']);
    await ok(repo, ['remote', 'add', 'local', '../store-of-' + repo.dir.split('/').pop()]);
    const store = join(repo.dir, '..', `store-of-${repo.dir.split('/').pop()}`);
    const missing = await repo.pipe(['push']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toBe(`error: remote 'local': directory ${store} does not exist; create it (mkdir -p ${store}), or mount the share it should be on\n`);
    mkdirSync(store);
    try {
      mkdirSync(repo.path('sub'));
      const r = await ok(repo, ['push'], repo.path('sub'));
      expect(r.stdout).toMatch(/^pushed 2 objects \(\d+ B\) to local in \d+\.\d s; 0 already there\n$/);
      expect(statSync(join(store, 'files', 'sha256')).isDirectory()).toBe(true);
    } finally {
      rmSync(store, { recursive: true, force: true });
    }
  });

  it('credentials are refused in the committed config and go to config.local.yaml (owner-only), never printed', async () => {
    const repo = repoWithData();
    repo.write('.pipe/config.yaml', 'remotes:\n  s3:\n    url: s3://bucket/p\n    secret_access_key: hunter2-committed\n');
    const r = await repo.pipe(['remote', 'list']);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      'error: problem in the configuration:\n.pipe/config.yaml: remotes.s3.secret_access_key: credentials must not be committed: put them in .pipe/config.local.yaml (git-ignored) or the environment\n',
    );
    expect(r.stderr).not.toContain('hunter2');
    // The broken setting can still be removed with pipe itself.
    await ok(repo, ['remote', 'modify', 's3', 'secret_access_key', '--unset']);
    const set = await ok(repo, ['remote', 'modify', 's3', 'secret_access_key', 'hunter2-local']);
    expect(set.stdout).toBe("set secret_access_key for remote 's3' in .pipe/config.local.yaml\n");
    expect(repo.read('.pipe/config.yaml')).not.toContain('hunter2');
    expect(parse(repo.read('.pipe/config.local.yaml'))).toEqual({ remotes: { s3: { secret_access_key: 'hunter2-local' } } });
    expect(statSync(repo.path('.pipe/config.local.yaml')).mode & 0o077).toBe(0);
    const list = await ok(repo, ['remote', 'list']);
    expect(list.stdout).not.toContain('hunter2');
    expect(repo.read('.pipe/.gitignore')).toContain('/config.local.yaml');
  });

  it('bad input is exit 2 and names the problem; an unknown remote name is exit 1', async () => {
    const repo = repoWithData();
    const gs = await repo.pipe(['remote', 'add', 'g', 'gs://bucket/x']);
    expect(gs.code).toBe(2);
    expect(gs.stderr).toBe("error: cannot add remote 'g': URL gs://bucket/x: 'gs://' is not supported; a remote is a directory path or s3://bucket/prefix\n");
    const endpoint = await repo.pipe(['remote', 'add', 'd', '/tmp/x', '--endpoint', 'http://h']);
    expect(endpoint.code).toBe(2);
    await ok(repo, ['remote', 'add', 'd', '/tmp/x']);
    const dup = await repo.pipe(['remote', 'add', 'd', '/tmp/y']);
    expect(dup.code).toBe(2);
    expect(dup.stderr).toMatch(/^error: remote 'd' already exists \(in \.pipe\/config\.yaml\)/);
    const unknown = await repo.pipe(['push', '-r', 'nope']);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toBe("error: there is no remote named 'nope' (configured: d); add it with: pipe remote add nope URL\n");
    const sub = await repo.pipe(['remote', 'rename', 'd', 'e']);
    expect(sub.code).toBe(2);
    expect(sub.stderr).toMatch(/unknown subcommand 'rename'/);
  });
});
