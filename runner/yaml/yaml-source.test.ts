import { describe, expect, it } from 'vitest';
import { formatKeyPath } from './key-path.js';
import { parseYamlSource } from './yaml-source.js';

const TEXT = `stages:
  train:
    cmd: node train.js
    outs:
      - model.bin
      - metrics.json
`;

describe('parseYamlSource', () => {
  it('gives the value of clean YAML (or JSON), with no syntax issues', () => {
    const s = parseYamlSource('pipeline.yaml', TEXT);
    expect(s.syntaxIssues).toEqual([]);
    expect(s.value).toEqual({ stages: { train: { cmd: 'node train.js', outs: ['model.bin', 'metrics.json'] } } });
    expect(parseYamlSource('m.json', '{"auc": 0.9}').value).toEqual({ auc: 0.9 });
  });

  it('locates a node by its key path, and the key itself when asked', () => {
    const s = parseYamlSource('pipeline.yaml', TEXT);
    expect(s.locate(['stages', 'train', 'outs', 1])).toEqual({ line: 6, column: 9 });
    expect(s.locate(['stages', 'train', 'cmd'])).toEqual({ line: 3, column: 10 });
    expect(s.locate(['stages', 'train'], 'cmd')).toEqual({ line: 3, column: 5 });
  });

  it('points into the nearest existing entry for a path that is not there', () => {
    const s = parseYamlSource('pipeline.yaml', TEXT);
    // `deps` is missing under train (lines 2-6): the message points at train (its key or its first entry), not at the top of the file.
    expect([2, 3]).toContain(s.locate(['stages', 'train', 'deps'])?.line);
    expect([4, 5]).toContain(s.locate(['stages', 'train', 'outs', 7])?.line);
    expect(s.locate(['nothing', 'here'])).toEqual({ line: 1, column: 1 });
  });

  it('reports a duplicate key by name, at the second occurrence, and gives no value', () => {
    const s = parseYamlSource('params.yaml', 'train:\n  lr: 0.1\n  "lr": 0.2\n');
    expect(s.value).toBeUndefined();
    expect(s.syntaxIssues).toEqual([{ file: 'params.yaml', line: 3, column: 3, message: "duplicate key 'lr' (each name may appear only once)" }]);
  });

  it('reports a syntax error on one line, at its position', () => {
    const s = parseYamlSource('pipeline.yaml', 'stages:\n  train: [unclosed\n');
    expect(s.value).toBeUndefined();
    expect(s.syntaxIssues.length).toBeGreaterThan(0);
    for (const issue of s.syntaxIssues) {
      expect(issue.file).toBe('pipeline.yaml');
      expect(issue.line).toBeGreaterThanOrEqual(2);
      expect(issue.message).not.toContain('\n');
    }
  });
});

describe('formatKeyPath', () => {
  it('writes key paths the way messages show them', () => {
    expect(formatKeyPath(['stages', 'train', 'outs', 1])).toBe('stages.train.outs[1]');
    expect(formatKeyPath([0, 'path'])).toBe('[0].path');
    expect(formatKeyPath([])).toBe('');
  });
});
