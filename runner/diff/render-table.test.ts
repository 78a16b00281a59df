import { describe, expect, it } from 'vitest';
import { renderTable } from './render-table.js';

describe('renderTable', () => {
  const header = ['Path', 'Metric', 'HEAD', 'workspace', 'Change'];
  const rows = [
    ['m.json', 'auc', '0.8', '0.8123', '+0.0123 (+1.5%)'],
    ['m.json', 'model', 'a|b', '—', 'removed'],
  ];

  it('aligns plain columns two spaces apart, without trailing spaces', () => {
    expect(renderTable(header, rows)).toBe(
      [
        'Path    Metric  HEAD  workspace  Change',
        'm.json  auc     0.8   0.8123     +0.0123 (+1.5%)',
        'm.json  model   a|b   —          removed',
        '',
      ].join('\n'),
    );
  });

  it('writes a GitHub Markdown table, escaping pipes', () => {
    expect(renderTable(header, rows, { markdown: true })).toBe(
      [
        '| Path | Metric | HEAD | workspace | Change |',
        '| --- | --- | --- | --- | --- |',
        '| m.json | auc | 0.8 | 0.8123 | +0.0123 (+1.5%) |',
        '| m.json | model | a\\|b | — | removed |',
        '',
      ].join('\n'),
    );
  });
});
