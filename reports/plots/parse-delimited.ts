/** @module Parses CSV or TSV text with a header row into records (through csv-parse), turning numeric cells into numbers. */
import { CsvError, parse } from 'csv-parse/sync';

export type Delimited = { readonly ok: true; readonly rows: Record<string, unknown>[] } | { readonly ok: false; readonly reason: string };

/**
 * RFC 4180 quoting (`"a, b"`, `""` for a quote inside), LF or CRLF line ends, a header row naming
 * the fields. Cells that read as numbers become numbers (as DVC does); empty cells become null.
 */
export function parseDelimited(text: string, delimiter: ',' | '\t'): Delimited {
  let records: string[][];
  try {
    records = parse(text, { delimiter, bom: true, skip_empty_lines: true, relax_column_count: true, relax_quotes: false }) as string[][];
  } catch (err) {
    if (err instanceof CsvError && err.code === 'CSV_QUOTE_NOT_CLOSED') return { ok: false, reason: `a quoted cell is never closed (${err.message.replace(/^Quote Not Closed: /, '')})` };
    if (err instanceof CsvError) return { ok: false, reason: err.message };
    throw err;
  }
  const [header, ...body] = records;
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
