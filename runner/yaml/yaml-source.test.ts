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
    // `deps` is missing under train: the message points at the key `train:`, not at train's first entry (cmd) nor the top of the file.
    expect(s.locate(['stages', 'train', 'deps'])).toEqual({ line: 2, column: 3 });
    expect(s.locate(['stages', 'train', 'outs', 7])).toEqual({ line: 4, column: 5 });
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

describe('parseYamlSource on hostile input', () => {
  it('finds duplicate keys in a large mapping (without the quadratic library check), each at its second occurrence', () => {
    const lines = Array.from({ length: 20_000 }, (_, i) => `k${i}: ${i}`);
    lines.push('k5: again', 'nested: {a: 1, b: 2, a: 3}');
    const s = parseYamlSource('params.yaml', lines.join('\n'));
    expect(s.value).toBeUndefined();
    expect(s.syntaxIssues.map((i) => [i.line, i.message])).toEqual([
      [20_001, "duplicate key 'k5' (each name may appear only once)"],
      [20_002, "duplicate key 'a' (each name may appear only once)"],
    ]);
  });

  it('turns alias bombs, unknown and recursive aliases and deep nesting into located issues with no value', () => {
    const cases: [string, RegExp][] = [
      ['a: *missing\n', /Unresolved alias/],
      ['a: &a [*a]\n', /recursive alias/],
      [`a: ${'['.repeat(300)}${']'.repeat(300)}\n`, /deeper than 256/],
      [['x0: &a0 [1,1,1,1,1,1,1,1,1,1]', ...[1, 2, 3, 4].map((i) => `x${i}: &a${i} [${Array(10).fill(`*a${i - 1}`).join(',')}]`)].join('\n'), /too much data/],
    ];
    for (const [text, message] of cases) {
      const s = parseYamlSource('p.yaml', text);
      expect(s.value).toBeUndefined();
      expect(s.syntaxIssues[0]?.message).toMatch(message);
    }
    expect(parseYamlSource('p.yaml', 'a: &x [1]\nb: *x\n').value).toEqual({ a: [1], b: [1] });
    // Deeper than the library can parse: its own stack overflow, reported once and plainly.
    const deep = parseYamlSource('p.yaml', `a: ${'['.repeat(5000)}${']'.repeat(5000)}\n`);
    expect(deep.syntaxIssues).toEqual([expect.objectContaining({ line: 1, message: 'nesting is too deep to read (keep it under 256 levels)' })]);
  });

  it('never quotes the text of a secret file in its messages', () => {
    for (const text of ['k: !SECRETVALUE x\n', 'k: *SECRETVALUE\n', 'k: |SECRETVALUE\n  x\n', 'SECRETVALUE: 1\nSECRETVALUE: 2\n']) {
      const s = parseYamlSource('.pipe/config.local.yaml', text, { secret: true });
      expect(s.syntaxIssues.length, text).toBeGreaterThan(0);
      for (const i of s.syntaxIssues) expect(i.message).not.toContain('SECRETVALUE');
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
