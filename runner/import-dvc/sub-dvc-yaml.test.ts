import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../../test/helpers/temp-dir.js';
import { dvcYaml, pipelineYaml } from '../pipeline/pipeline-yaml.js';
import type { PipelineFormat } from '../pipeline/pipeline-format.js';
import { ParsedCache } from '../yaml/parsed-cache.js';
import { pipelineFromDvcYaml } from './pipeline-from-dvc-yaml.js';
import { carriedSections, carryProblem } from './sub-dvc-yaml.js';

/** A sub-project using every construct the carrying rewrites, with no ${} that reads a file. */
const SUB = `vars:
  - langs: [en, de]
stages:
  ev:
    foreach: \${langs}
    do:
      cmd: echo \${item} > m-\${item}.json
      wdir: work
      deps: [../../shared/in.txt, ../code.py]
      params:
        - lr
        - ../cfg.yaml:
            - depth
      metrics:
        - m-\${item}.json
      plots:
        - p.csv:
            x: step
            template: scatter
      outs:
        - model-\${item}:
            persist: true
            push: false
metrics:
  - work/summary.json
params:
  - cfg.yaml
plots:
  - curves:
      x: step
      y:
        work/p.csv: loss
        work/q.csv: [acc, f1]
  - work/roc.json:
      template: linear
artifacts:
  model:
    path: work/model-en
    type: model
`;

function project(files: Record<string, string>): string {
  const root = tempDir('pipe-import-sub-');
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, rel)), { recursive: true });
    writeFileSync(join(root, rel), text);
  }
  return root;
}

async function load(format: PipelineFormat, root: string, file: string) {
  const r = await format.load({ root, files: [file], cache: new ParsedCache(undefined), fresh: true });
  if (!('pipeline' in r)) throw new Error(JSON.stringify(r.issues));
  return r.pipeline;
}

describe('carrying a sub dvc.yaml into pipeline.yaml', () => {
  it('writes stages and sections that load into the same pipeline as the sub file', async () => {
    const root = project({ 'proj/dvc.yaml': SUB, 'proj/work/params.yaml': 'lr: 0.1\n', 'proj/cfg.yaml': 'depth: 3\n' });
    expect(await carryProblem(root, 'proj/dvc.yaml')).toBeUndefined();
    const sub = await load(dvcYaml, root, 'proj/dvc.yaml');
    const text = pipelineFromDvcYaml(undefined, [{ file: 'proj/dvc.yaml', sections: carriedSections(sub) }]);
    expect(text).toMatch(/# From proj\/dvc\.yaml/);
    writeFileSync(join(root, 'pipeline.yaml'), text);
    const carried = await load(pipelineYaml, root, 'pipeline.yaml');
    expect(carried.stages).toEqual(sub.stages);
    expect(carried.stages.map((s) => s.name)).toEqual(['proj/dvc.yaml:ev@en', 'proj/dvc.yaml:ev@de']);
    expect(carried.stages[0]?.deps.map((d) => d.path)).toEqual(['shared/in.txt', 'proj/code.py']);
    expect(carried.metrics).toEqual(sub.metrics);
    expect(carried.paramFiles).toEqual(['proj/cfg.yaml']);
    expect(carried.plots).toEqual(sub.plots);
    expect(carried.artifacts).toEqual([{ name: 'model', path: 'proj/work/model-en', type: 'model' }]);
    expect(carried.params).toEqual(sub.params);
  });

  it('refuses a sub file whose ${} reads its params.yaml or a vars file, and not one whose ${} reads only inline vars', async () => {
    const root = project({
      'a/dvc.yaml': 'stages:\n  s:\n    cmd: echo ${lr}\n',
      'a/params.yaml': 'lr: 1\n',
      'b/dvc.yaml': 'vars:\n  - v.yaml\nstages:\n  s:\n    foreach: ${xs}\n    do:\n      cmd: echo ${item}\n',
      'b/v.yaml': 'xs: [1, 2]\n',
      'c/dvc.yaml': 'vars:\n  - n: 3\nstages:\n  s:\n    cmd: echo ${n}\n',
    });
    expect((await carryProblem(root, 'a/dvc.yaml'))?.message).toMatch(/reads values from its own params\.yaml or vars files/);
    expect(await carryProblem(root, 'b/dvc.yaml')).toMatchObject({ file: 'b/dvc.yaml' });
    expect(await carryProblem(root, 'c/dvc.yaml')).toBeUndefined();
  });
});
