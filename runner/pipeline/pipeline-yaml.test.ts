import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from '../../test/helpers/temp-dir.js';
import { describe, expect, it } from 'vitest';
import { isPipeError, type SpecIssue } from '../errors.js';
import { loadPipeline } from './load-pipeline.js';
import { ParsedCache } from '../yaml/parsed-cache.js';

function repo(files: Record<string, string>): string {
  const root = tempDir('pipe-spec-');
  for (const [name, text] of Object.entries(files)) writeFileSync(join(root, name), text);
  return root;
}

async function issuesOf(root: string, cache?: ParsedCache): Promise<SpecIssue[]> {
  try {
    await loadPipeline({ root, cache });
  } catch (err) {
    if (isPipeError(err, 'SPEC_INVALID')) return [...err.data.issues];
    throw err;
  }
  throw new Error('expected SPEC_INVALID');
}

describe('loadPipeline', () => {
  it('normalises stages: cmd list, wdir-relative paths, params, out flags, metric/plot defaults', async () => {
    const root = repo({
      'pipeline.yaml': `stages:
  train:
    cmd: [echo a, echo b]
    wdir: sub
    deps: [../data/x, y.csv]
    params: [train.lr, {other.yaml: [seed]}]
    outs: [model, {big.bin: {cache: false, persist: true}}]
    metrics: [m.json]
    plots: [{roc.json: {x: fpr, y: tpr}}]
    env: {N: 3}
`,
      'params.yaml': 'train: {lr: 0.1}\n',
    });
    await expect(loadPipeline({ root })).rejects.toThrow(/params file 'sub\/params.yaml' does not exist/);
    writeFileSync(join(root, 'pipeline.yaml'), `stages:
  train:
    cmd: [echo a, echo b]
    deps: [data/x, y.csv]
    params: [train.lr, {other.yaml: [seed]}]
    outs: [model, {big.bin: {cache: false, persist: true}}]
    metrics: [m.json]
    plots: [{roc.json: {x: fpr, y: tpr}}]
    env: {N: 3}
`);
    writeFileSync(join(root, 'other.yaml'), 'seed: 7\n');
    const p = await loadPipeline({ root });
    const [s] = p.stages;
    expect(s?.cmd).toEqual(['echo a', 'echo b']);
    expect(s?.deps.map((d) => d.path)).toEqual(['data/x', 'y.csv']);
    expect(s?.params).toEqual([
      { file: 'params.yaml', key: 'train.lr' },
      { file: 'other.yaml', key: 'seed' },
    ]);
    expect(s?.outs).toEqual([
      { path: 'model', kind: 'out', cache: true, persist: false },
      { path: 'big.bin', kind: 'out', cache: false, persist: true },
      { path: 'm.json', kind: 'metric', cache: false, persist: false },
      { path: 'roc.json', kind: 'plot', cache: false, persist: false, plot: { x: 'fpr', y: 'tpr' } },
    ]);
    expect(s?.env).toEqual({ N: '3' });
    expect(p.params.get('params.yaml')?.get('train.lr')).toBe(0.1);
    expect(p.params.get('other.yaml')?.get('seed')).toBe(7);
  });

  it('reports every problem at once with file:line:column and key', async () => {
    const root = repo({
      'pipeline.yaml': `stages:
  a:
    cmd: 5
    outz: [x]
  b:
    deps: [../escape, /abs]
    cmd: run
  c:
    cmd: go
    params: [train.missing]
`,
      'params.yaml': 'train: {lr: 1}\n',
    });
    const issues = await issuesOf(root);
    const text = issues.map((i) => `${i.file}:${i.line}:${i.column}: ${i.key}: ${i.message}`);
    expect(text).toEqual(
      expect.arrayContaining([
        'pipeline.yaml:3:10: stages.a.cmd: must be a string or a list',
        expect.stringMatching(/^pipeline\.yaml:4:5: stages\.a\.outz: unknown field 'outz'/),
        "pipeline.yaml:6:12: stages.b.deps[0]: path '../escape' escapes the repository",
        "pipeline.yaml:6:23: stages.b.deps[1]: path '/abs' is absolute; paths must be relative to the repository",
        "pipeline.yaml:10:14: stages.c.params[0]: key 'train.missing' not found in params.yaml",
      ]),
    );
    expect(issues).toHaveLength(5);
  });

  it('reads artifacts: (DVC’s shape) and registry stages, and locates a bad artifact', async () => {
    const ok = repo({
      'pipeline.yaml': `stages:\n  s:\n    cmd: echo\n    outs: [models/churn]\nartifacts:\n  churn:\n    path: models/churn/\n    type: model\n    desc: Churn classifier\n    labels: [tabular]\n    meta: {owner: ml}\n  data/raw: {path: data/raw.csv}\nregistry:\n  stages: [dev, test, prod]\n`,
    });
    const p = await loadPipeline({ root: ok });
    expect(p.artifacts).toEqual([
      { name: 'churn', path: 'models/churn', type: 'model', desc: 'Churn classifier', labels: ['tabular'], meta: { owner: 'ml' } },
      { name: 'data/raw', path: 'data/raw.csv' },
    ]);
    expect(p.registryStages).toEqual(['dev', 'test', 'prod']);
    const bad = repo({
      'pipeline.yaml': `stages:\n  s:\n    cmd: echo\nartifacts:\n  churn:\n    path: ../outside\n  Churn2:\n    path: x\n  iris:\n    pth: y\nregistry:\n  stages: [dev, dev]\n`,
    });
    const messages = (await issuesOf(bad)).map((i) => `${i.line}:${i.column} ${i.message}`);
    expect(messages).toEqual(
      expect.arrayContaining([
        "6:11 path '../outside' escapes the repository",
        "7:3 name 'Churn2' is invalid: use lowercase letters, digits, '-' and '/', starting and ending with a letter or digit (GTO's names), never '//', at most 200 characters (a git tag holds it)",
        expect.stringMatching(/^10:5 unknown field 'pth' of artifact 'iris'; did you mean 'path'\?/),
      ]),
    );
    expect(messages, messages.join('\n')).toContain('12:11 must not list the same value twice (entries 1 and 2)');
    expect(messages.filter((m) => m.includes("name ''"))).toEqual([]);
  });

  it('reports duplicate stage names and YAML syntax errors with their position', async () => {
    const dup = await issuesOf(repo({ 'pipeline.yaml': 'stages:\n  a:\n    cmd: x\n  a:\n    cmd: y\n' }));
    expect(dup).toEqual([{ file: 'pipeline.yaml', line: 4, column: 3, message: "duplicate key 'a' (each name may appear only once)" }]);
    const syntax = await issuesOf(repo({ 'pipeline.yaml': 'stages:\n  a: [x\n' }));
    expect(syntax[0]?.line).toBeGreaterThanOrEqual(2);
  });

  it('serves an unchanged file from the parsed cache, and still locates errors found later', async () => {
    const root = repo({ 'pipeline.yaml': 'stages:\n  a:\n    cmd: x\n    params: [k]\n', 'params.yaml': 'k: 1\n' });
    const cache = new ParsedCache(join(root, '.cache'));
    // Remembered only once the file is older than the racy window.
    const { utimesSync } = await import('node:fs');
    const old = new Date(Date.now() - 10_000);
    utimesSync(join(root, 'pipeline.yaml'), old, old);
    utimesSync(join(root, 'params.yaml'), old, old);
    await loadPipeline({ root, cache });
    cache.save();
    writeFileSync(join(root, 'params.yaml'), 'j: 1\n');
    const issues = await issuesOf(root, new ParsedCache(join(root, '.cache')));
    expect(issues).toEqual([
      { file: 'pipeline.yaml', line: 4, column: 14, key: 'stages.a.params[0]', message: "key 'k' not found in params.yaml" },
    ]);
  });
});
