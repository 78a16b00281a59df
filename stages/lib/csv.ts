/**
 * @module CSV reading and writing (RFC 4180: comma-separated, fields with commas, quotes or line
 * breaks quoted, `""` for a quote). Every value is a string; an empty field is a missing value.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

export interface CsvTable {
  readonly header: readonly string[];
  readonly rows: readonly (readonly string[])[];
}

export function parseCsv(text: string): CsvTable {
  const records: string[][] = [];
  let record: string[] = [];
  let field = '';
  let quoted = false;
  let i = 0;
  const n = text.length;
  const endRecord = () => {
    record.push(field);
    field = '';
    records.push(record);
    record = [];
  };
  while (i < n) {
    const ch = text.charCodeAt(i);
    if (quoted) {
      if (ch === 34 /* " */) {
        if (text.charCodeAt(i + 1) === 34) {
          field += '"';
          i += 2;
          continue;
        }
        quoted = false;
        i++;
        continue;
      }
      // Copy the run of plain characters in one slice: most of a file is outside quotes' edge cases.
      const next = text.indexOf('"', i);
      const end = next === -1 ? n : next;
      field += text.slice(i, end);
      i = end;
      continue;
    }
    if (ch === 44 /* , */) {
      record.push(field);
      field = '';
      i++;
    } else if (ch === 10 /* \n */ || ch === 13 /* \r */) {
      endRecord();
      i += ch === 13 && text.charCodeAt(i + 1) === 10 ? 2 : 1;
    } else if (ch === 34 && field === '') {
      quoted = true;
      i++;
    } else {
      let end = i + 1;
      while (end < n) {
        const c = text.charCodeAt(end);
        if (c === 44 || c === 10 || c === 13) break;
        end++;
      }
      field += text.slice(i, end);
      i = end;
    }
  }
  if (quoted) throw new SyntaxError('CSV ends inside a quoted field');
  if (field !== '' || record.length > 0) endRecord();
  const [header, ...rows] = records;
  if (!header) throw new SyntaxError('CSV is empty: expected a header line');
  rows.forEach((row, r) => {
    if (row.length !== header.length) {
      throw new SyntaxError(`CSV line ${r + 2} has ${row.length} fields, the header has ${header.length}`);
    }
  });
  return { header, rows };
}

function quote(value: string): string {
  return /[",\r\n]/.test(value) || value.startsWith(' ') || value.endsWith(' ') ? `"${value.replaceAll('"', '""')}"` : value;
}

/** CSV text with `\n` line ends and a final newline: the same table always gives the same bytes. */
export function formatCsv(header: readonly string[], rows: readonly (readonly (string | number)[])[]): string {
  const lines = [header.map(quote).join(',')];
  for (const row of rows) lines.push(row.map((v) => (typeof v === 'number' ? String(v) : quote(v))).join(','));
  return `${lines.join('\n')}\n`;
}

export function readCsv(path: string): CsvTable {
  try {
    return parseCsv(readFileSync(path, 'utf8'));
  } catch (cause) {
    throw new Error(`cannot read ${path}: ${(cause as Error).message}`, { cause });
  }
}

export function writeCsv(path: string, header: readonly string[], rows: readonly (readonly (string | number)[])[]): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, formatCsv(header, rows));
}

/** The values of one column by name; fails naming the column when it is absent. */
export function column(table: CsvTable, name: string): string[] {
  const index = table.header.indexOf(name);
  if (index === -1) throw new Error(`column "${name}" is missing (columns: ${table.header.join(', ')})`);
  return table.rows.map((row) => row[index] as string);
}
