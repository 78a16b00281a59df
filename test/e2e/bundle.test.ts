/**
 * @module What the CLI bundle (scripts/build.mjs: rolldown, chunk groups, yaml's ES module build)
 * must keep from the sources it bundles: behaviour a bundler switch can change without a type
 * error, checked on the built bin.
 */
import { readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { commitAll } from '../helpers/git.js';
import { makeRepo, removeRepos } from '../helpers/repo.js';

afterAll(removeRepos);

describe('the bundled yaml library', () => {
  it("prints a YAML warning (an unresolved tag in -S) as one warning line, not a stack trace", async () => {
    const repo = makeRepo({ 'params.yaml': 'train:\n  lr: 0.1\n' });
    repo.stages({ train: { cmd: 'echo ok > out.txt', params: ['train.lr'], outs: ['out.txt'] } });
    commitAll(repo, 'baseline');
    const r = await repo.pipe(['exp', 'run', '-S', 'other.yaml:train.lr=!custom 1']);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toMatch(/-S 'other\.yaml:train\.lr=!custom 1': no params file 'other\.yaml'/);
    expect(r.stderr).toMatch(/YAMLWarning: .*Unresolved tag: !custom/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('reads a YAML 1.1 !!binary param as a Buffer, as yaml\'s node build does, so data.lock records what earlier builds recorded', async () => {
    const repo = makeRepo({ 'params.yaml': '%YAML 1.1\n---\nkey: !!binary aGk=\n' });
    repo.stages({ s: { cmd: 'echo hi > o.txt', params: ['key'], outs: ['o.txt'] } });
    const r = await repo.pipe(['repro']);
    expect(r.code, r.stderr).toBe(0);
    expect(readFileSync(repo.path('data.lock'), 'utf8')).toContain('params.yaml: {key: {type: Buffer, data: [104, 105]}}');
  });
});
