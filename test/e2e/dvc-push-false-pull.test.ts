/**
 * @module `push: false` outs (DVC's flag) in a fresh clone: never pushed by design, so pull and
 * fetch skip them with one line saying so, and succeed when nothing else is missing.
 */
import { execFileSync } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import { commitAll } from '../helpers/git.js';
import { makeRepo, ok, removeRepos, Repo } from '../helpers/repo.js';
import { tempDir } from '../helpers/temp-dir.js';
import { MANY_RUNS } from '../helpers/timeouts.js';

afterAll(removeRepos);

/**
 * A fresh clone of a repository whose stage writes big.bin (`push: false`) and small.txt, run
 * there with a directory remote (`pushed`: and `pipe push` run).
 */
async function cloneOf({ pushed }: { pushed: boolean }): Promise<Repo> {
  const remote = tempDir('pipe-remote-');
  const origin = makeRepo({
    'dvc.yaml': 'stages:\n  make:\n    cmd: echo big > big.bin && echo small > small.txt\n    outs:\n      - big.bin:\n          push: false\n      - small.txt\n',
  });
  await ok(origin, ['repro']);
  await ok(origin, ['remote', 'add', 'store', remote, '--default']);
  if (pushed) await ok(origin, ['push']);
  commitAll(origin, 'results');
  const dir = tempDir('pipe-clone-');
  execFileSync('git', ['clone', '-q', origin.dir, dir]);
  return new Repo(dir);
}

describe('pipe pull in a fresh clone with push: false outs', () => {
  it('checks out what the remote has, names the push: false outs in one line, exits 0; status -c says the same; repro makes them', MANY_RUNS, async () => {
    const clone = await cloneOf({ pushed: true });

    const fetch = await clone.pipe(['fetch']);
    expect(fetch.code, fetch.stderr).toBe(0);
    expect(fetch.stdout).toMatch(/^not on the remote by design \(push: false\): big\.bin — 'pipe repro' makes it$/m);

    const pull = await clone.pipe(['pull']);
    expect(pull.code, pull.stderr).toBe(0);
    expect(pull.stdout).toMatch(/^not on the remote by design \(push: false\): big\.bin — 'pipe repro' makes it$/m);
    expect(pull.stdout.match(/not on the remote by design/g)).toHaveLength(1);
    expect(clone.read('small.txt')).toBe('small\n');
    expect(clone.exists('big.bin')).toBe(false);

    const st = await ok(clone, ['status', '-c']);
    expect(st.stdout).toMatch(/^ {4}not on the remote by design \(push: false\): big\.bin — 'pipe repro' makes it$/m);
    expect(st.stdout).toMatch(/The remote has everything the workspace references\./);

    await ok(clone, ['repro']);
    expect(clone.read('big.bin')).toBe('big\n');
    // In the cache now: kept locally, as in the origin.
    expect((await ok(clone, ['status', '-c'])).stdout).toMatch(/^ {4}big\.bin: push: false \(kept in the local cache only\)$/m);
  });

  it('still fails, naming them, when objects that were meant to be pushed are missing', MANY_RUNS, async () => {
    const pull = await (await cloneOf({ pushed: false })).pipe(['pull']);
    expect(pull.code).toBe(1);
    expect(pull.stderr).toMatch(/lacks 1 object[\s\S]*small\.txt/);
    expect(pull.stdout).toMatch(/not on the remote by design \(push: false\): big\.bin/);
  });
});
