import { describe, expect, it } from 'vitest';
import { parseDelimited } from './parse-delimited.js';
import { parsePlotData } from './parse-plot-data.js';

describe('parsePlotData', () => {
  it('reads a JSON list of records, and a mapping holding exactly one list of records', async () => {
    expect(await parsePlotData('p.json', '[{"x":1,"y":2},{"x":2,"y":3}]')).toEqual({ ok: true, rows: [{ x: 1, y: 2 }, { x: 2, y: 3 }] });
    expect(await parsePlotData('p.json', '{"train":[{"step":0,"loss":1.5}],"name":"run"}')).toEqual({ ok: true, rows: [{ step: 0, loss: 1.5 }] });
  });

  it('reads YAML by extension, and files of other extensions as JSON or YAML', async () => {
    expect(await parsePlotData('p.yaml', '- {x: 1, y: 0.5}\n- {x: 2, y: 0.25}\n')).toEqual({ ok: true, rows: [{ x: 1, y: 0.5 }, { x: 2, y: 0.25 }] });
    expect(await parsePlotData('p.txt', 'rows:\n  - {a: 1}\n')).toEqual({ ok: true, rows: [{ a: 1 }] });
  });

  it('reads CSV and TSV by their header row, numbers as numbers', async () => {
    expect(await parsePlotData('p.csv', 'epoch,loss,tag\n1,0.5,a\n2,0.25,"b, c"\n')).toEqual({
      ok: true,
      rows: [
        { epoch: 1, loss: 0.5, tag: 'a' },
        { epoch: 2, loss: 0.25, tag: 'b, c' },
      ],
    });
    expect(await parsePlotData('p.TSV', 'x\ty\r\n1\t-2e-3\r\n')).toEqual({ ok: true, rows: [{ x: 1, y: -0.002 }] });
  });

  it('says why a file holds no table', async () => {
    expect(await parsePlotData('p.json', '{"auc": 0.9}')).toEqual({
      ok: false,
      reason: 'holds no table (a list of records, or a mapping with one list of records, is expected)',
    });
    expect(await parsePlotData('p.json', '{"a":[{"x":1}],"b":[{"x":2}]}')).toMatchObject({ ok: false, reason: /holds no table/ });
    expect(await parsePlotData('p.json', '[1, 2, 3]')).toMatchObject({ ok: false, reason: /holds no table/ });
    expect(await parsePlotData('p.json', '[]')).toEqual({ ok: false, reason: 'holds no rows' });
    expect(await parsePlotData('p.json', '[{"x": 1},')).toMatchObject({ ok: false, reason: /^cannot be read as JSON or YAML \(line \d+, column \d+: / });
    expect(await parsePlotData('p.csv', 'x,y\n1,2,3\n')).toEqual({ ok: false, reason: 'cannot be read as CSV: row 2 has 3 cells, the header has 2' });
    expect(await parsePlotData('p.csv', '')).toEqual({ ok: false, reason: 'cannot be read as CSV: it is empty (a header row is expected)' });
  });
});

describe('parseDelimited', () => {
  it('handles quotes, doubled quotes, line breaks inside quotes, empty cells and a missing final newline', () => {
    expect(parseDelimited('a,b,c\n"say ""hi""","two\nlines",\n3,,x', ',')).toEqual({
      ok: true,
      rows: [
        { a: 'say "hi"', b: 'two\nlines', c: null },
        { a: 3, b: null, c: 'x' },
      ],
    });
  });

  it('keeps text that only looks partly numeric as text, and skips blank lines', () => {
    expect(parseDelimited('v\n1.2.3\n0x10\n\n 7 \n', ',')).toEqual({ ok: true, rows: [{ v: '1.2.3' }, { v: '0x10' }, { v: 7 }] });
  });

  it('reports a quote that is never closed', () => {
    expect(parseDelimited('a\n"open\n', ',')).toEqual({ ok: false, reason: 'a quoted cell is never closed (the parsing is finished with an opening quote at line 2)' });
  });
});
