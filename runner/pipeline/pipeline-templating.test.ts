import { readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../../test/helpers/temp-dir.js';
import { isPipeError, type SpecIssue } from '../errors.js';
import { ParsedCache } from '../yaml/parsed-cache.js';
import { loadPipeline } from './load-pipeline.js';

function repo(files: Record<string, string>): string {
  const root = tempDir('pipe-tpl-');
  for (const [name, text] of Object.entries(files)) writeFileSync(join(root, name), text);
  return root;
}

async function issuesOf(root: string): Promise<SpecIssue[]> {
  try {
    await loadPipeline({ root });
  } catch (err) {
    if (isPipeError(err, 'SPEC_INVALID')) return [...err.data.issues];
    throw err;
  }
  throw new Error('expected SPEC_INVALID');
}

describe('templating in pipeline.yaml', () => {
  it('remembers a loaded pipeline while the file and the files it read are unchanged, and loads it again when one changes', async () => {
    const root = repo({
      'params.yaml': 'langs: [en, de]\n',
      'vars.yaml': 'tool: prep\n',
      'other.yaml': 'k: 1\n',
      'dvc.yaml': 'vars:\n  - vars.yaml\nstages:\n  prep:\n    foreach: ${langs}\n    do:\n      cmd: ${tool} ${item}\n      params:\n        - other.yaml: [k]\n',
    });
    // Remembered only once the files are older than the racy window.
    const old = new Date(Date.now() - 10_000);
    for (const f of ['params.yaml', 'vars.yaml', 'other.yaml', 'dvc.yaml']) utimesSync(join(root, f), old, old);
    const dir = tempDir('pipe-tpl-cache-');
    const first = new ParsedCache(dir);
    expect((await loadPipeline({ root, cache: first })).stages.map((s) => s.cmd[0])).toEqual(['prep en', 'prep de']);
    first.save();
    // A value no file holds proves the next load took the remembered expansion.
    writeFileSync(join(dir, 'parsed.json'), readFileSync(join(dir, 'parsed.json'), 'utf8').replace('"prep de"', '"remembered"'));
    const cmds = async () => (await loadPipeline({ root, cache: new ParsedCache(dir) })).stages.map((s) => s.cmd[0]);
    expect(await cmds()).toEqual(['prep en', 'remembered']);
    writeFileSync(join(root, 'vars.yaml'), 'tool: make\n');
    expect(await cmds()).toEqual(['make en', 'make de']);
    writeFileSync(join(root, 'vars.yaml'), 'tool: prep\n');
    writeFileSync(join(root, 'params.yaml'), 'langs: [fr]\n');
    expect(await cmds()).toEqual(['prep fr']);
    // A params file only a stage's params: names counts too.
    writeFileSync(join(root, 'other.yaml'), 'k: 2\n');
    expect((await loadPipeline({ root, cache: new ParsedCache(dir) })).params.get('other.yaml')?.get('k')).toBe(2);
  });


  it('expands foreach and matrix stages, tracks the params ${} used, and reads whole-file params', async () => {
    const root = repo({
      'params.yaml': 'train: {lr: 0.1, epochs: 3}\nlangs: [en, de]\n',
      'other.yaml': 'a: 1\nb: {c: 2}\n',
      'pipeline.yaml': `stages:
  prep:
    foreach: \${langs}
    do:
      cmd: prep \${item}
      outs:
        - data/\${item}
  train:
    matrix:
      lang: \${langs}
      size: [s, m]
    cmd: train --lr \${train.lr} \${item.lang} \${item.size}
    deps:
      - data/\${item.lang}
    params:
      - other.yaml:
    outs:
      - models/\${key}
`,
    });
    const p = await loadPipeline({ root });
    expect(p.stages.map((s) => s.name)).toEqual(['prep@en', 'prep@de', 'train@en-s', 'train@en-m', 'train@de-s', 'train@de-m']);
    const t = p.stages.find((s) => s.name === 'train@de-m');
    expect(t?.cmd).toEqual(['train --lr 0.1 de m']);
    expect(t?.outs.map((o) => o.path)).toEqual(['models/de-m']);
    expect(t?.params).toEqual([
      { file: 'other.yaml', key: 'a' },
      { file: 'other.yaml', key: 'b' },
      { file: 'params.yaml', key: 'train.lr' },
    ]);
    expect(p.params.get('other.yaml')?.get('b')).toEqual({ c: 2 });
    expect(p.params.get('params.yaml')?.get('train.lr')).toBe(0.1);
  });

  it('reads top-level metrics, params and plots (overlays from several files, DVC template names)', async () => {
    const root = repo({
      'pipeline.yaml': `stages:
  train: {cmd: x, outs: [eval]}
metrics: [eval/metrics.json]
params: [hp.yaml]
plots:
  - eval/importance.png
  - eval/roc.json: {template: simple, x: fpr, y: tpr}
  - train_vs_test:
      template: bar_horizontal
      x: step
      y: {eval/train.json: acc, eval/test.json: [acc, loss]}
      title: Accuracy
`,
    });
    const p = await loadPipeline({ root });
    expect(p.metrics).toEqual(['eval/metrics.json']);
    expect(p.paramFiles).toEqual(['hp.yaml']);
    expect(p.plots).toEqual([
      { id: 'eval/importance.png', sources: [{ path: 'eval/importance.png' }], props: {} },
      { id: 'eval/roc.json', sources: [{ path: 'eval/roc.json' }], props: { template: 'linear', x: 'fpr', y: 'tpr' } },
      {
        id: 'train_vs_test',
        sources: [
          { path: 'eval/train.json', x: 'step', y: ['acc'] },
          { path: 'eval/test.json', x: 'step', y: ['acc', 'loss'] },
        ],
        props: { template: 'bar', title: 'Accuracy' },
      },
    ]);
  });

  it('locates problems of generated stages in the definition they came from, by line and column (dvc.yaml: strict cmd)', async () => {
    const root = repo({
      'dvc.yaml': `vars:
  - {n: 1}
stages:
  gen:
    foreach: [a, b]
    do:
      cmd: x \${item}
      outz: [y]
  bad:
    cmd: echo \${missing}
  open:
    cmd: echo \${HOME
`,
    });
    const issues = await issuesOf(root);
    const text = issues.map((i) => `${i.line}:${i.column} ${i.message}`);
    expect(text).toEqual([
      expect.stringMatching(/^10:10 .*'missing' is not defined/),
      expect.stringMatching(/^12:10 .*'\$\{' is not closed/),
    ]);
    writeFileSync(join(root, 'dvc.yaml'), `stages:
  gen:
    foreach: [a, b]
    do:
      cmd: x \${item}
      outz: [y]
`);
    const again = await issuesOf(root);
    expect(again.map((i) => `${i.line}:${i.column}`)).toContain('6:7');
    expect(again[0]?.message).toMatch(/outz/);
  });

  it('leaves shell variables in a pipeline.yaml cmd to the shell, and still refuses them in paths', async () => {
    const root = repo({
      'params.yaml': 'n: 3\n',
      'pipeline.yaml': `stages:
  a:
    cmd: sleep \${PIPE_SLEEP:-30} && echo \${HOME} \${n} > out-\${n}.txt
    outs:
      - out-\${n}.txt
`,
    });
    const p = await loadPipeline({ root });
    expect(p.stages[0]?.cmd).toEqual(['sleep ${PIPE_SLEEP:-30} && echo ${HOME} 3 > out-3.txt']);
    expect(p.stages[0]?.outs.map((o) => o.path)).toEqual(['out-3.txt']);
    writeFileSync(join(root, 'pipeline.yaml'), 'stages:\n  a:\n    cmd: x\n    outs:\n      - out-${HOME}.txt\n');
    const issues = await issuesOf(root);
    expect(issues.map((i) => `${i.line}:${i.column} ${i.message}`)).toEqual([expect.stringMatching(/^5:9 .*'HOME' is not defined/)]);
  });

  it('refuses DVC constructs pipe cannot honour, each at its line', async () => {
    const root = repo({
      'pipeline.yaml': `stages:
  a:
    cmd: x
    outs:
      - m.bin: {checkpoint: true}
      - n.bin: {remote: other}
datasets:
  - name: d
`,
    });
    const text = (await issuesOf(root)).map((i) => `${i.line}:${i.column} ${i.message}`);
    expect(text).toEqual([
      expect.stringMatching(/^7:1 'datasets:'/),
      expect.stringMatching(/^5:17 'checkpoint:' outs were removed/),
      expect.stringMatching(/^6:17 'remote:' on an out/),
    ]);
  });
});
