import { describe, expect, it } from 'vitest';
import { fitComment, GITHUB_COMMENT_LIMIT } from './fit-comment.js';
import { splitBlocks } from './markdown-blocks.js';
import { REPORT_MARKER } from './report-marker.js';

const HEAD = '# pipe report: feature/x vs origin/dev\n\n## Gate: failed\n\n❌ auc 0.79 < 0.8 (min)\n\n| rule | value | verdict |\n| --- | --- | --- |\n| auc ≥ 0.8 | 0.79 | ❌ |\n';
const table = (rows: number, prefix = 'm') =>
  ['| Path | Metric | A | B | Change |', '| --- | --- | --- | --- | --- |', ...Array.from({ length: rows }, (_, i) => `| metrics/eval.json | ${prefix}${i} | 0.${i} | 0.${i + 1} | +0.1 |`)].join('\n');
const mermaid = (nodes: number) => ['```mermaid', 'flowchart TD', ...Array.from({ length: nodes }, (_, i) => `  s${i} --> s${i + 1}`), '```'].join('\n');
const plot = (points: number) => ['```vega-lite', JSON.stringify({ data: { values: Array.from({ length: points }, (_, i) => ({ x: i, y: i * i })) } }, null, 1), '```'].join('\n');

describe('fitComment', () => {
  it('leaves a report that fits alone, adding the marker once', () => {
    expect(fitComment(HEAD)).toBe(`${REPORT_MARKER}\n${HEAD}`);
    expect(fitComment(`${REPORT_MARKER}\n${HEAD}`)).toBe(`${REPORT_MARKER}\n${HEAD}`);
  });

  it('collapses the largest tables, diagrams and plots first and keeps the rest', () => {
    const report = `${HEAD}\n## Metrics\n\n${table(3000)}\n\n## Params\n\n${table(3, 'p')}\n\n## Pipeline\n\n${mermaid(5000)}\n\n## Plots\n\n${plot(3000)}\n\nend of report\n`;
    expect(report.length).toBeGreaterThan(4 * GITHUB_COMMENT_LIMIT);
    const out = fitComment(report, { fullReportPath: 'report.md' });
    expect(out.length).toBeLessThanOrEqual(GITHUB_COMMENT_LIMIT);
    expect(out.startsWith(`${REPORT_MARKER}\n${HEAD}`)).toBe(true);
    expect(out).toContain("_Table (3000 rows) omitted: too long for a GitHub comment; full report: `report.md`_");
    expect(out).toContain('_Mermaid diagram omitted');
    expect(out).toContain('_Plot (Vega-Lite spec) omitted');
    // The small table and the text after the big blocks survive: nothing was truncated.
    expect(out).toContain(table(3, 'p'));
    expect(out).toContain('end of report');
    expect(out).not.toContain('Report truncated');
  });

  it('collapses only as much as needed, largest first', () => {
    const report = `${HEAD}\n## Metrics\n\n${table(1500)}\n\n## More\n\n${table(200, 'q')}\n`;
    const out = fitComment(report, { limit: report.length - 1000 });
    expect(out).toContain('Table (1500 rows) omitted');
    expect(out).toContain(table(200, 'q'));
  });

  it('truncates with a pointer when collapsing is not enough, at a line, keeping the head', () => {
    const prose = Array.from({ length: 5000 }, (_, i) => `Line ${i} of a very long explanation that no table collapse can shorten.`).join('\n');
    const report = `${HEAD}\n## Notes\n\n${prose}\n`;
    const out = fitComment(report, { fullReportPath: 'report.md', fullReportUrl: 'https://github.com/o/r/actions/runs/1' });
    expect(out.length).toBeLessThanOrEqual(GITHUB_COMMENT_LIMIT);
    expect(out.startsWith(`${REPORT_MARKER}\n${HEAD}`)).toBe(true);
    expect(out).toMatch(/\nLine \d+ of a very long explanation that no table collapse can shorten\.\n---\n_Report truncated: it has [\d,]+ characters and a GitHub comment holds 65,536; full report: \[report\.md\]\(https:\/\/github\.com\/o\/r\/actions\/runs\/1\)\._$/);
  });

  it('keeps the verdict even when it is not the first section, and never cuts inside a code fence', () => {
    const fence = ['```text', ...Array.from({ length: 300 }, (_, i) => `log line ${i}`), '```'].join('\n');
    const report = `# Report\n\n## Summary\n\nshort\n\n## Gate verdict\n\nPASSED: auc 0.86\n\n## Logs\n\n${'x'.repeat(200)}\n\n${fence}\n`;
    const out = fitComment(report, { limit: 700 });
    expect(out.length).toBeLessThanOrEqual(700);
    expect(out).toContain('## Gate verdict\n\nPASSED: auc 0.86');
    expect(out).toContain('_`text` block (300 lines) omitted');
    expect((out.match(/```/g) ?? []).length % 2).toBe(0);
  });

  it('shortens the head itself only when the head alone is too long, keeping marker and title', () => {
    const report = `# pipe report\n\n## Gate: passed\n\n${table(5000)}\n\n## Metrics\n\nmore\n`;
    const out = fitComment(report, { limit: 10_000 });
    expect(out.length).toBeLessThanOrEqual(10_000);
    expect(out.startsWith(`${REPORT_MARKER}\n# pipe report\n\n## Gate: passed\n`)).toBe(true);
    expect(out).toContain('Table (5000 rows) omitted');
  });

  it('stays within the limit for many sizes and shapes', () => {
    for (const limit of [2_000, 10_000, GITHUB_COMMENT_LIMIT]) {
      for (const rows of [10, 500, 5000]) {
        const report = `${HEAD}\n## A\n\n${table(rows)}\n\n${mermaid(rows)}\n\n${'text '.repeat(rows * 10)}\n\n## B\n\n![plot](data:image/png;base64,${'A'.repeat(rows * 50)})\n`;
        const out = fitComment(report, { limit, fullReportPath: 'report.md' });
        expect(out.length).toBeLessThanOrEqual(limit);
        expect(out).toContain('## Gate: failed');
        expect(out).toContain('❌ auc 0.79 < 0.8 (min)');
      }
    }
  });
});

describe('splitBlocks', () => {
  it('gives the input back when its blocks are joined, and finds fences, tables, headings, images', () => {
    const doc = `${HEAD}\n~~~json\n{"a": 1}\n~~~\n\n![x](data:image/png;base64,AAAA)\n\`\`\`mermaid\nflowchart TD\n\`\`\`\ntext after\n\`\`\`unclosed\nrest`;
    const blocks = splitBlocks(doc);
    expect(blocks.map((b) => b.text).join('\n')).toBe(doc);
    expect(blocks.map((b) => `${b.kind}${b.lang ? `:${b.lang}` : ''}${b.level ? `:${b.level}` : ''}`)).toEqual([
      'heading:1',
      'text',
      'heading:2',
      'text',
      'table',
      'text',
      'fence:json',
      'text',
      'image',
      'fence:mermaid',
      'text',
      'fence:unclosed',
    ]);
  });

  it('does not take a # line inside a fence for a heading', () => {
    const blocks = splitBlocks('```sh\n# a comment\n```');
    expect(blocks).toHaveLength(1);
    expect(blocks[0]?.kind).toBe('fence');
  });
});
