import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../../test/helpers/temp-dir.js';
import type { Revision } from '../git/revision.js';
import { pipelineAt } from './pipeline-at.js';

const workspace: Revision = { name: 'workspace' };

describe('pipelineAt (the workspace)', () => {
  it('reads what the pipeline file declares, leniently: a stage it cannot read is skipped, the rest kept', async () => {
    const root = tempDir('pipeline-at-');
    writeFileSync(
      join(root, 'pipeline.yaml'),
      ['stages:', '  broken: 42', '  train:', '    wdir: sub', '    params: [lr]', '    metrics: [m.json]', '    plots: [{p.csv: {x: step, y: 7}}]'].join('\n'),
    );
    expect(await pipelineAt(root, workspace)).toEqual({
      state: 'found',
      file: 'pipeline.yaml',
      declared: { params: ['sub/params.yaml'], metrics: ['sub/m.json'], plots: [{ path: 'sub/p.csv', props: { x: 'step' } }], gated: [], artifacts: new Map(), registryStages: [] },
    });
  });

  it('says absent when there is no pipeline file, and why it cannot read a broken one', async () => {
    const root = tempDir('pipeline-at-');
    expect(await pipelineAt(root, workspace)).toEqual({ state: 'absent' });
    writeFileSync(join(root, 'pipeline.yaml'), 'stages: [\n');
    const broken = await pipelineAt(root, workspace);
    expect(broken).toMatchObject({ state: 'invalid', file: 'pipeline.yaml' });
    expect(broken.state === 'invalid' && broken.problem).toMatch(/^pipeline\.yaml in the workspace cannot be read \(line \d+, column \d+: .+\); what it declares is left out$/);
  });

  it('a directory where the pipeline file should be is reported, not read', async () => {
    const root = tempDir('pipeline-at-');
    mkdirSync(join(root, 'pipeline.yaml'));
    expect(await pipelineAt(root, workspace)).toEqual({
      state: 'invalid',
      file: 'pipeline.yaml',
      problem: 'pipeline.yaml in the workspace is a directory, not a file; what it declares is left out',
    });
  });

  it('expands templating with the vars files it finds: a dvc.yaml’s foreach stages and ${} paths are declared', async () => {
    const root = tempDir('pipeline-at-');
    writeFileSync(join(root, 'params.yaml'), 'dir: eval\nlangs: [en, de]\n');
    writeFileSync(
      join(root, 'dvc.yaml'),
      ['stages:', '  ev:', '    foreach: ${langs}', '    do:', '      cmd: x', '      metrics:', '        - ${dir}/${item}.json', 'metrics:', '  - ${dir}/all.json'].join('\n'),
    );
    const at = await pipelineAt(root, workspace);
    expect(at.state === 'found' && at.file).toBe('dvc.yaml');
    expect(at.state === 'found' && at.declared.metrics).toEqual(['eval/en.json', 'eval/de.json', 'eval/all.json']);
  });

  it('reads every dvc.yaml, each relative to its directory (its own params.yaml and vars), in the workspace and at a commit', async () => {
    const root = tempDir('pipeline-at-');
    const write = (rel: string, text: string) => {
      mkdirSync(dirname(join(root, rel)), { recursive: true });
      writeFileSync(join(root, rel), text);
    };
    write('dvc.yaml', 'stages:\n  a:\n    cmd: x\n    metrics: [m.json]\n');
    write('proj/params.yaml', 'dir: out\n');
    write('proj/dvc.yaml', 'stages:\n  b:\n    cmd: x\n    params: [dir]\n    metrics:\n      - ${dir}/m.json\nplots:\n  - p.csv\n');
    const expected = { params: ['proj/params.yaml'], metrics: ['m.json', 'proj/out/m.json'], plots: [{ path: 'proj/p.csv', props: {} }] };
    expect(await pipelineAt(root, workspace)).toMatchObject({ state: 'found', file: 'dvc.yaml', declared: expected });
    execFileSync('git', ['init', '-q', root]);
    execFileSync('git', ['-C', root, 'add', '-A']);
    execFileSync('git', ['-C', root, '-c', 'user.name=t', '-c', 'user.email=t@t', 'commit', '-qm', 'x']);
    const commit = execFileSync('git', ['-C', root, 'rev-parse', 'HEAD'], { encoding: 'utf8' }).trim();
    rmSync(join(root, 'proj'), { recursive: true });
    expect(await pipelineAt(root, { name: 'HEAD', commit })).toMatchObject({ state: 'found', file: 'dvc.yaml', declared: expected });
  });
});
