/** @module Malformed and hostile input met through the real CLI: exit 2 with a message, never a stack trace, a hang or a printed secret (issue #13). */
import { mkdirSync, symlinkSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { commitAll } from '../helpers/git.js';
import type { PipeResult } from '../helpers/pipe.js';
import { makeRepo, ok, removeRepos, type Repo } from '../helpers/repo.js';
import { tempDir } from '../helpers/temp-dir.js';

afterAll(removeRepos);

/** Hang detector per pipe run (a loaded machine); every case here finishes in about a second. */
const RUN = { timeoutMs: 120_000 };

/** Exit 2, a message starting with `error:`, no stack trace or "internal error". */
function inputError(r: PipeResult, what: string): void {
  expect(r.code, `${what}\n${r.stdout}\n${r.stderr}`).toBe(2);
  expect(r.stderr).toMatch(/^error: /);
  expect(r.stderr).not.toMatch(/internal error|\n\s+at /);
}

const SECRET = 'wJalrXUtnFEMIK7MDENGbPxRfiCYSECRET';

describe('secrets are never printed (item 4)', () => {
  it.each([
    ['a tag', `!${SECRET} x`],
    ['an alias', `*${SECRET}`],
    ['a block scalar header', `|${SECRET}\n      x`],
  ])('a YAML error in config.local.yaml quoting %s names line and column, not the text', async (_what, value) => {
    const repo = makeRepo({
      'pipeline.yaml': 'stages: {}\n',
      '.pipe/config.yaml': 'remotes:\n  cloud:\n    url: s3://bucket/p\n',
      '.pipe/config.local.yaml': `remotes:\n  cloud:\n    secret_access_key: ${value}\n`,
    });
    for (const args of [['push'], ['remote', 'list'], ['remote', 'modify', 'cloud', 'region', 'eu-west-1']]) {
      const r = await repo.pipe(args, RUN);
      inputError(r, `pipe ${args.join(' ')}`);
      expect(r.stderr).toContain('.pipe/config.local.yaml:3:');
      expect(r.stdout + r.stderr).not.toContain(SECRET);
    }
  });

  it('a URL with credentials in it is refused without repeating them, and a bad default_remote from config.local.yaml is not echoed', async () => {
    const repo = makeRepo({ 'pipeline.yaml': 'stages: {}\n' });
    const r = await repo.pipe(['remote', 'add', 'cloud', `s3://AKIAEXAMPLE:${SECRET}@bucket/prefix`], RUN);
    inputError(r, 'remote add');
    expect(r.stderr).toContain('must not contain credentials');
    expect(r.stderr).not.toContain(SECRET);
    expect(r.stderr).not.toContain('AKIAEXAMPLE');
    expect(repo.exists('.pipe/config.yaml')).toBe(false);

    repo.write('.pipe/config.yaml', `remotes:\n  cloud:\n    url: s3://AKIAEXAMPLE:${SECRET}@bucket/prefix\n`);
    const push = await repo.pipe(['push'], RUN);
    inputError(push, 'push with credentials in the committed URL');
    expect(push.stderr).not.toContain(SECRET);

    repo.write('.pipe/config.yaml', 'remotes:\n  cloud:\n    url: s3://bucket/prefix\n');
    repo.write('.pipe/config.local.yaml', `default_remote: ${SECRET}\n`);
    const list = await repo.pipe(['remote', 'list'], RUN);
    inputError(list, 'default_remote in config.local.yaml');
    expect(list.stderr).toContain('default_remote: names a remote, which is not configured');
    expect(list.stderr).not.toContain(SECRET);
  });

  it('a mapping used as a remote name in config.local.yaml (a mis-nested `? key:`) is refused without echoing it', async () => {
    const repo = makeRepo({ 'pipeline.yaml': 'stages: {}\n', '.pipe/config.yaml': 'remotes:\n  cloud:\n    url: s3://bucket/prefix\n' });
    repo.write('.pipe/config.local.yaml', `remotes:\n  ? cloud:\n      secret_access_key: ${SECRET}\n  : {}\n`);
    const r = await repo.pipe(['remote', 'list'], RUN);
    inputError(r, 'complex remote name in config.local.yaml');
    expect(r.stderr).toContain('holds a remote name that is not valid');
    expect(r.stderr).not.toContain(SECRET);

    // The same mis-nesting one level down makes the secret a setting's key (the long fuzz run's find).
    repo.write('.pipe/config.local.yaml', `remotes:\n  cloud:\n    ? session_token: ${SECRET}\n`);
    const s = await repo.pipe(['remote', 'list'], RUN);
    inputError(s, 'complex setting key in config.local.yaml');
    expect(s.stderr).toContain('remotes.cloud: holds an unknown setting');
    expect(s.stderr).not.toContain(SECRET);
  });
});

describe('remote URLs that cannot be used safely (item 6)', () => {
  it.each([
    ['file://', /file:\/\/ needs a directory path/],
    ['file://otherhost/x', /'otherhost' is another host/],
    ['/', /filesystem root/],
    ['file:///', /filesystem root/],
    ['/proc/self', /under \/proc, a virtual filesystem/],
  ])('pipe remote add %s is refused (exit 2), and push with it in the config too', async (url, message) => {
    const repo = makeRepo({ 'pipeline.yaml': 'stages: {}\n', 'data/a.txt': 'a\n' });
    await ok(repo, ['add', 'data']);
    const r = await repo.pipe(['remote', 'add', 'x', url], RUN);
    inputError(r, `remote add ${url}`);
    expect(r.stderr).toMatch(message);
    repo.write('.pipe/config.yaml', `remotes:\n  x:\n    url: ${JSON.stringify(url)}\n`);
    const push = await repo.pipe(['push'], RUN);
    inputError(push, `push to ${url}`);
    expect(push.stderr).toMatch(message);
  });

  it('a directory remote that is a symlink to /proc/self is refused when used, instead of hanging', async () => {
    const repo = makeRepo({ 'pipeline.yaml': 'stages: {}\n', 'data/a.txt': 'a\n' });
    await ok(repo, ['add', 'data']);
    const link = `${tempDir()}/store`;
    symlinkSync('/proc/self', link);
    await ok(repo, ['remote', 'add', 'x', link]);
    for (const cmd of ['push', 'fetch', 'status --remote']) {
      const r = await repo.pipe(cmd.split(' '), RUN);
      inputError(r, cmd);
      expect(r.stderr).toContain(`remote 'x': directory ${link} (really /proc/`);
    }
  });
});

describe('concurrent config edits (item 10)', () => {
  it('eight pipe remote add at once all keep their remote', async () => {
    const repo = makeRepo({ 'pipeline.yaml': 'stages: {}\n' });
    const stores = Array.from({ length: 8 }, (_, i) => `/mnt/store-${i}`);
    const results = await Promise.all(stores.map((s, i) => repo.pipe(['remote', 'add', `r${i}`, s], RUN)));
    for (const r of results) expect(r.code, r.stderr).toBe(0);
    const config = parse(repo.read('.pipe/config.yaml')) as { remotes: Record<string, { url: string }> };
    expect(Object.keys(config.remotes).sort()).toEqual(stores.map((_, i) => `r${i}`));
  });
});

describe('parser errors are input errors (item 11)', () => {
  /** A repository whose one stage reads params.yaml's `a`, committed with a clean params.yaml. */
  function paramsRepo(): Repo {
    const repo = makeRepo({ 'pipeline.yaml': 'stages:\n  s:\n    cmd: echo hi\n    params: [a]\n', 'params.yaml': 'a: 1\n' });
    commitAll(repo, 'clean params');
    return repo;
  }
  const bomb = ['x0: &a0 [1, 1, 1, 1, 1, 1, 1, 1, 1]', ...[1, 2, 3, 4, 5].map((i) => `x${i}: &a${i} [${Array(9).fill(`*a${i - 1}`).join(', ')}]`), 'a: *a5', ''].join('\n');

  it.each([
    ['an alias bomb', bomb, /aliases expand to too much data/],
    ['an unknown alias', 'a: *nope\n', /Unresolved alias .*: nope/],
    ['a recursive alias', 'a: &a [*a]\n', /recursive alias/],
    ['nesting 300 levels deep', `a: ${'['.repeat(300)}${']'.repeat(300)}\n`, /nesting is deeper than 256 levels/],
  ])('%s in params.yaml: status, repro and params diff exit 2 naming the file; a diff of commits warns and shows it as absent', async (_what, text, message) => {
    const repo = paramsRepo();
    repo.write('params.yaml', text);
    for (const args of [['status'], ['repro'], ['params', 'diff']]) {
      const r = await repo.pipe(args, RUN);
      inputError(r, `pipe ${args.join(' ')}`);
      expect(r.stderr).toMatch(/params\.yaml:\d+:\d+: /);
      expect(r.stderr).toMatch(message);
    }
    // A committed revision is history: read leniently (docs/commands.md), a warning, not a failure.
    commitAll(repo, 'broken params');
    const r = await repo.pipe(['params', 'diff', 'HEAD~1', 'HEAD'], RUN);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).not.toMatch(/internal error|\n\s+at /);
    expect(r.stderr).toMatch(/^warning: params\.yaml at HEAD cannot be read as JSON or YAML/m);
    expect(r.stderr).toMatch(message);
    expect(r.stdout).toMatch(/\ba\b/);
  });

  it('params.yaml: null inside a data.lock entry, or a null data entry, is a broken lock (exit 2, at its line)', async () => {
    const repo = paramsRepo();
    repo.write('data.lock', 'schema: 1\nstages:\n  s:\n    cmd: echo hi\n    deps: []\n    params:\n      params.yaml: null\n    outs: []\n');
    for (const args of [['status'], ['repro']]) {
      const r = await repo.pipe(args, RUN);
      inputError(r, `pipe ${args.join(' ')}`);
      expect(r.stderr).toContain("data.lock:7:20: stage 's': params of params.yaml must be a mapping");
    }
    // Found by test/fuzz: a data entry that is not a mapping crashed status.
    repo.write('data.lock', 'schema: 1\nstages: {}\ndata:\n  raw.csv: null\n');
    const r = await repo.pipe(['status'], RUN);
    inputError(r, 'status with a null data entry');
    expect(r.stderr).toContain("data.lock:4:12: data entry 'raw.csv' must be a mapping with hash and size");
  });

  it('a chain of 8,000 stages is drawn and ordered without overflowing the stack, and a cycle in it is named', async () => {
    const n = 8000;
    const stage = (i: number, dep: number) => `  s${i}:\n    cmd: echo\n    deps: [f${dep}]\n    outs: [f${i + 1}]\n`;
    const chain = Array.from({ length: n }, (_, i) => stage(i, i));
    const repo = makeRepo({ 'pipeline.yaml': `stages:\n${chain.join('')}` });
    const dag = await repo.pipe(['dag', '--json'], RUN);
    expect(dag.code, dag.stderr).toBe(0);
    expect(dag.stdout).toContain(`"s${n - 1}"`);
    for (const args of [['repro', '--dry'], ['status', `s${n - 1}`], ['repro', '--dry', '--downstream', 's0']]) {
      const r = await repo.pipe(args, RUN);
      expect(r.stderr, `pipe ${args.join(' ')}`).not.toMatch(/internal error|Maximum call stack/);
      expect([0, 1], `pipe ${args.join(' ')}: ${r.stderr.slice(0, 500)}`).toContain(r.code);
    }

    // s0 now depends on the last stage's out: one cycle through all 8,000.
    chain[0] = stage(0, n);
    repo.write('pipeline.yaml', `stages:\n${chain.join('')}`);
    const cyc = await repo.pipe(['dag'], RUN);
    inputError(cyc, 'dag with a cycle');
    expect(cyc.stderr).toMatch(/^error: the pipeline has a cycle: s0 -> s1 -> s2 -> /);
  });

  it('a config.yaml holding a mapping with a duplicate key among 30,000 is reported at the duplicate', async () => {
    const keys = Array.from({ length: 30_000 }, (_, i) => `  k${i}: {url: /mnt/s${i}}`);
    keys.push('  k17: {url: /mnt/again}');
    const repo = makeRepo({ 'pipeline.yaml': 'stages: {}\n', '.pipe/config.yaml': `remotes:\n${keys.join('\n')}\n` });
    mkdirSync(repo.path('.pipe/tmp'), { recursive: true });
    const r = await repo.pipe(['remote', 'list'], RUN);
    inputError(r, 'remote list');
    expect(r.stderr).toContain(".pipe/config.yaml:30002:3: duplicate key 'k17' (each name may appear only once)");
  });
});
