import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../../test/helpers/temp-dir.js';
import { dvcYaml, pipelineYaml } from '../pipeline/pipeline-yaml.js';
import { ParsedCache } from '../yaml/parsed-cache.js';
import { pipelineFromDvcYaml, pipelineOrigin } from './pipeline-from-dvc-yaml.js';

const DVC = `# the project's own comment
vars:
  - langs: [en, de]
stages:
  eval:
    foreach: \${langs}
    do:
      cmd: echo \${item} > m-\${item}.json && echo '[]' > p-\${item}.json
      metrics:
        - m-\${item}.json
      plots:
        - p-\${item}.json:
            x: step
  train:
    matrix:
      seed: [1, 2]
    cmd: echo \${item.seed} > s\${item.seed}.json
    metrics:
      - s\${item.seed}.json:
          cache: false
  report:
    cmd: echo ok > r.json
    metrics:
      - r.json:
    outs:
      - r.txt
`;

describe('pipelineFromDvcYaml', () => {
  it('writes a pipeline.yaml that loads into the same pipeline as dvc.yaml (templating kept, DVC’s cached metrics made explicit)', async () => {
    const root = tempDir('pipe-import-');
    const text = pipelineFromDvcYaml(DVC);
    writeFileSync(join(root, 'dvc.yaml'), DVC);
    writeFileSync(join(root, 'pipeline.yaml'), text);
    expect(text).toMatch(/^# Written by `pipe import dvc` from dvc\.yaml \(content [0-9a-f]{16}\)[^\n]*\n# the project's own comment\n/);
    expect(pipelineOrigin(text)).toBe('import');
    expect(pipelineOrigin(text.replace('echo ok', 'echo fine'))).toBe('edited');
    expect(pipelineOrigin(DVC)).toBe('foreign');
    expect(text).toContain('foreach: ${langs}');
    const load = async (format: typeof dvcYaml, file: string) => {
      const r = await format.load({ root, files: [file], cache: new ParsedCache(undefined), fresh: true });
      if (!('pipeline' in r)) throw new Error(JSON.stringify(r.issues));
      return r.pipeline;
    };
    const fromDvc = await load(dvcYaml, 'dvc.yaml');
    const fromPipe = await load(pipelineYaml, 'pipeline.yaml');
    expect(fromPipe.stages).toEqual(fromDvc.stages);
    expect(fromDvc.stages.flatMap((s) => s.outs.map((o) => `${o.path}:${o.cache}`))).toEqual([
      'm-en.json:true',
      'p-en.json:true',
      'm-de.json:true',
      'p-de.json:true',
      's1.json:false',
      's2.json:false',
      'r.txt:true',
      'r.json:true',
    ]);
  });
});
