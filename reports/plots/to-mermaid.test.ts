import { describe, expect, it } from 'vitest';
import type { Plot, PlotAtRevision, PlotRow, Template } from './plot.js';
import { toMarkdownTable } from './to-markdown-table.js';
import { toMermaid } from './to-mermaid.js';

const HEAD = { name: 'HEAD', commit: 'a'.repeat(40) };
const WS = { name: 'workspace' };

function plot(template: Template, revisions: PlotAtRevision[], fields: Partial<Plot> = {}): Plot {
  return { id: 'p', path: 'plots/p.json', title: 'ROC "curve"', template, x: 'fpr', y: ['tpr'], xLabel: 'fpr', yLabel: 'tpr', props: {}, revisions, ...fields };
}
const at = (revision: typeof HEAD | typeof WS, rows: PlotRow[]): PlotAtRevision => ({ revision, state: 'found', rows });
/** What the xychart grammar reads: numbers without exponents. */
const NUMBER_LIST = /^\[(?:[+-]?(?:\d+(?:\.\d+)?|\.\d+))(?:, [+-]?(?:\d+(?:\.\d+)?|\.\d+))*\]$/;

describe('toMermaid', () => {
  it('puts every revision on one numeric x range, ≤ 50 evenly spaced points, with the SVG colours and a legend in the title', () => {
    const curve = (k: number) => Array.from({ length: 200 }, (_, i) => ({ fpr: (i / 199) ** 2, tpr: Math.min(1, Math.sqrt(i / 199) * k) }));
    const text = toMermaid(plot('linear', [at(HEAD, curve(0.9)), at(WS, curve(1))])) ?? '';
    const lines = text.trimEnd().split('\n');
    expect(lines[0]).toBe('%%{init: {"themeVariables":{"xyChart":{"plotColorPalette":"#4c78a8, #f58518"}}}}%%');
    expect(lines.slice(1, 5)).toEqual([
      'xychart-beta',
      '    title "ROC \'curve\': HEAD (blue), workspace (orange)"',
      '    x-axis "fpr" 0 --> 1',
      '    y-axis "tpr"',
    ]);
    const series = lines.slice(5);
    expect(series).toHaveLength(2);
    for (const l of series) {
      const list = l.replace(/^ {4}line /, '');
      expect(list).toMatch(NUMBER_LIST);
      expect(list.split(', ')).toHaveLength(50);
    }
    // Interpolated, not truncated: the last point of each series is its last value.
    expect(series[0]).toMatch(/, 0\.9\]$/);
    expect(series[1]).toMatch(/, 1\]$/);
    expect(text.length).toBeLessThan(1500);
  });

  it('keeps short, evenly spaced series as they are, and writes tiny numbers without exponents', () => {
    const rows = [1, 2, 3].map((e) => ({ epoch: e, loss: e * 1e-7 }));
    const text = toMermaid(plot('linear', [at(WS, rows)], { x: 'epoch', y: ['loss'], xLabel: 'epoch', yLabel: 'loss', title: 'Loss' })) ?? '';
    expect(text).toContain('    x-axis "epoch" 1 --> 3\n');
    expect(text).toContain('    line [0.0000001, 0.0000002, 0.0000003]\n');
    expect(text).toContain('    title "Loss: workspace (blue)"\n');
  });

  it('writes categories as a quoted x-axis list, a single series of a bar plot as bars, one colour per field at one revision', () => {
    const rows = [
      { model: 'mlp', auc: 0.86, f1: 0.65 },
      { model: 'log reg', auc: 0.81, f1: 0.6 },
    ];
    const bar = toMermaid(plot('bar', [at(WS, rows)], { x: 'model', y: ['auc'], xLabel: 'model', yLabel: 'auc', title: 'AUC' })) ?? '';
    expect(bar).toContain('    x-axis "model" ["mlp", "log reg"]\n');
    expect(bar).toContain('    bar [0.86, 0.81]\n');
    const two = toMermaid(plot('linear', [at(WS, rows)], { x: 'model', y: ['auc', 'f1'], xLabel: 'model', yLabel: 'auc, f1', title: 'Scores' })) ?? '';
    expect(two).toContain('"Scores: auc (blue), f1 (orange)"');
    expect(two).toContain('    line [0.86, 0.81]\n    line [0.65, 0.6]\n');
  });

  it('leaves out a missing revision but keeps the others’ colours', () => {
    const text = toMermaid(plot('scatter', [{ revision: HEAD, state: 'missing', reason: 'x' }, at(WS, [{ fpr: 0, tpr: 0 }, { fpr: 1, tpr: 1 }])])) ?? '';
    expect(text).toContain('"plotColorPalette":"#f58518"');
    expect(text).toContain('workspace (orange)');
    expect(text.match(/ line /g)).toHaveLength(1);
  });

  it('gives nothing for confusion templates and for plots without data', () => {
    expect(toMermaid(plot('confusion', [at(WS, [{ actual: 1, predicted: 1 }])], { x: 'actual', y: ['predicted'] }))).toBeUndefined();
    expect(toMermaid(plot('linear', [{ revision: WS, state: 'missing', reason: 'the file does not exist there' }]))).toBeUndefined();
  });
});

describe('toMarkdownTable', () => {
  const cm = (tn: number) => [
    { actual: 0, predicted: 0, count: tn },
    { actual: 0, predicted: 1, count: 20 },
    { actual: 1, predicted: 0, count: 10 },
    { actual: 1, predicted: 1, count: 70 },
  ];
  const confusion = (template: Template, revisions: PlotAtRevision[]) =>
    plot(template, revisions, { x: 'actual', y: ['predicted'], xLabel: 'actual', yLabel: 'predicted' });

  it('writes one actual × predicted table per revision, summing a count field', () => {
    expect(toMarkdownTable(confusion('confusion', [at(HEAD, cm(80)), at(WS, cm(90))]))).toBe(
      [
        '**HEAD**',
        '',
        '| actual \\ predicted | 0 | 1 |',
        '| --- | ---: | ---: |',
        '| 0 | 80 | 20 |',
        '| 1 | 10 | 70 |',
        '',
        '**workspace**',
        '',
        '| actual \\ predicted | 0 | 1 |',
        '| --- | ---: | ---: |',
        '| 0 | 90 | 20 |',
        '| 1 | 10 | 70 |',
        '',
      ].join('\n'),
    );
  });

  it('counts one row per sample, shows shares of the actual class when normalized, and says why a revision is missing', () => {
    const samples = [
      { actual: 'a', predicted: 'a' },
      { actual: 'a', predicted: 'b' },
      { actual: 'a', predicted: 'a' },
      { actual: 'b', predicted: 'b' },
    ];
    const text = toMarkdownTable(
      confusion('confusion_normalized', [{ revision: HEAD, state: 'missing', reason: 'the file does not exist there' }, at(WS, samples)]),
    );
    expect(text).toBe(
      [
        '**HEAD**: missing (the file does not exist there)',
        '',
        '**workspace**',
        '',
        '| actual \\ predicted | a | b |',
        '| --- | ---: | ---: |',
        '| a | 66.7% (2) | 33.3% (1) |',
        '| b | 0.0% (0) | 100.0% (1) |',
        '',
      ].join('\n'),
    );
  });

  it('gives nothing for other templates', () => {
    expect(toMarkdownTable(plot('linear', [at(WS, [{ fpr: 0, tpr: 0 }])]))).toBeUndefined();
  });
});
