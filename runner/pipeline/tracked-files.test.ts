import { describe, expect, it } from 'vitest';
import { trackedFiles } from './tracked-files.js';

describe('trackedFiles', () => {
  it('finds params files (params.yaml of the wdir for plain keys) and metrics files, each once', () => {
    const pipeline = {
      stages: {
        prep: { cmd: 'x', params: ['prep.rows'] },
        train: {
          cmd: 'x',
          params: ['train.lr', { 'conf/model.yaml': ['hidden'] }],
          metrics: ['metrics/train.json', { 'metrics/extra.yaml': { cache: false } }],
        },
        sub: { cmd: 'x', wdir: 'sub', params: ['a'], metrics: ['m.json', '../metrics/train.json'] },
      },
    };
    expect(trackedFiles(pipeline)).toEqual({
      params: ['params.yaml', 'conf/model.yaml', 'sub/params.yaml'],
      metrics: ['metrics/train.json', 'metrics/extra.yaml', 'sub/m.json'],
      plots: [],
      gated: [],
      artifacts: new Map(),
      registryStages: [],
    });
  });

  it('finds plots with their props, relative to the wdir, keeping the first declaration of a path', () => {
    const pipeline = {
      stages: {
        train: {
          cmd: 'x',
          plots: [
            'plots/loss.csv',
            { 'plots/roc.json': { template: 'linear', x: 'fpr', y: 'tpr', title: 'ROC', x_label: 'FPR', y_label: 'TPR', cache: false } },
            { 'plots/multi.json': { y: ['a', 'b'] } },
            { 'plots/bare.json': null },
          ],
        },
        sub: { cmd: 'x', wdir: 'sub', plots: [{ 'p.tsv': { template: 'bar' } }, { '../plots/roc.json': { template: 'scatter' } }] },
      },
    };
    expect(trackedFiles(pipeline).plots).toEqual([
      { path: 'plots/loss.csv', props: {} },
      { path: 'plots/roc.json', props: { template: 'linear', x: 'fpr', y: 'tpr', title: 'ROC', x_label: 'FPR', y_label: 'TPR' } },
      { path: 'plots/multi.json', props: { y: ['a', 'b'] } },
      { path: 'plots/bare.json', props: {} },
      { path: 'sub/p.tsv', props: { template: 'bar' } },
    ]);
  });

  it('drops plot props of the wrong type instead of failing (an old revision may predate the schema)', () => {
    const pipeline = { stages: { s: { plots: [{ 'p.json': { template: 3, x: ['a'], y: [1, 'b'], title: 'T', extra: 'ignored' } }, 5, { '/abs.json': {} }] } } };
    expect(trackedFiles(pipeline).plots).toEqual([{ path: 'p.json', props: { title: 'T' } }]);
  });

  it('skips what cannot be read as a path, and reads anything that is not a pipeline as none', () => {
    expect(trackedFiles({ stages: { a: { metrics: ['/abs.json', '../out.json', 3, 'ok.json'], params: [7] } } })).toEqual({
      params: [],
      metrics: ['ok.json'],
      plots: [],
      gated: [],
      artifacts: new Map(),
      registryStages: [],
    });
    expect(trackedFiles(null)).toEqual({ params: [], metrics: [], plots: [], gated: [], artifacts: new Map(), registryStages: [] });
    expect(trackedFiles({ stages: [1, 2] })).toEqual({ params: [], metrics: [], plots: [], gated: [], artifacts: new Map(), registryStages: [] });
  });

  it('adds the top-level metrics, params and plots (each file of an overlay, with its id)', () => {
    const t = trackedFiles({
      stages: { a: { cmd: 'x', outs: ['eval'] } },
      metrics: ['eval/metrics.json'],
      params: ['hp.yaml'],
      plots: ['eval/cm.png', { acc: { template: 'simple', x: 'step', y: { 'eval/train.json': 'acc', 'eval/test.json': ['acc'] } } }],
    });
    expect(t.metrics).toEqual(['eval/metrics.json']);
    expect(t.params).toEqual(['hp.yaml']);
    expect(t.plots).toEqual([
      { path: 'eval/cm.png', props: {} },
      { path: 'eval/train.json', props: { template: 'linear', x: 'step', y: 'acc' }, id: 'acc' },
      { path: 'eval/test.json', props: { template: 'linear', x: 'step', y: 'acc' }, id: 'acc' },
    ]);
  });
});
