/** @module Parses CSV or TSV text with a header row into records, turning numeric cells into numbers. */

export type Delimited = { readonly ok: true; readonly rows: Record<string, unknown>[] } | { readonly ok: false; readonly reason: string };

/**
 * RFC 4180 quoting (`"a, b"`, `""` for a quote inside), LF or CRLF line ends, a header row naming
 * the fields. Cells that read as numbers become numbers (as DVC does); empty cells become null.
 */
export function parseDelimited(text: string, delimiter: ',' | '\t'): Delimited {
  const records = splitRecords(text.replace(/^\uFEFF/, ''), delimiter);
  if (!records.ok) return records;
  const [header, ...body] = records.rows.filter((r) => !(r.length === 1 && r[0] === ''));
  if (!header) return { ok: false, reason: 'it is empty (a header row is expected)' };
  const rows: Record<string, unknown>[] = [];
  for (const [i, cells] of body.entries()) {
    if (cells.length !== header.length) {
      return { ok: false, reason: `row ${i + 2} has ${cells.length} cells, the header has ${header.length}` };
    }
    rows.push(Object.fromEntries(header.map((name, j) => [name, cellValue(cells[j] ?? '')])));
  }
  return { ok: true, rows };
}

const NUMBER = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

function cellValue(cell: string): unknown {
  const t = cell.trim();
  if (t === '') return null;
  return NUMBER.test(t) ? Number(t) : cell;
}

function splitRecords(text: string, delimiter: string): { ok: true; rows: string[][] } | { ok: false; reason: string } {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let i = 0;
  let line = 1;
  while (i < text.length) {
    const c = text[i];
    if (c === '"' && cell === '') {
      const start = line;
      i++;
      for (;;) {
        if (i >= text.length) return { ok: false, reason: `the quoted cell opened on line ${start} is never closed` };
        const q = text[i];
        if (q === '"' && text[i + 1] === '"') {
          cell += '"';
          i += 2;
        } else if (q === '"') {
          i++;
          break;
        } else {
          if (q === '\n') line++;
          cell += q;
          i++;
        }
      }
      continue;
    }
    if (c === delimiter) {
      row.push(cell);
      cell = '';
    } else if (c === '\n' || (c === '\r' && text[i + 1] === '\n')) {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
      if (c === '\r') i++;
      line++;
    } else {
      cell += c;
    }
    i++;
  }
  if (cell !== '' || row.length > 0) {
    row.push(cell);
    rows.push(row);
  }
  return { ok: true, rows };
}
