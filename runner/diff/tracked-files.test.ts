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
    });
  });

  it('skips what cannot be read as a path, and reads anything that is not a pipeline as none', () => {
    expect(trackedFiles({ stages: { a: { metrics: ['/abs.json', '../out.json', 3, 'ok.json'], params: [7] } } })).toEqual({
      params: [],
      metrics: ['ok.json'],
    });
    expect(trackedFiles(null)).toEqual({ params: [], metrics: [] });
    expect(trackedFiles({ stages: [1, 2] })).toEqual({ params: [], metrics: [] });
  });
});
