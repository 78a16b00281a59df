/**
 * @module CSV files of the example pipeline: read with csv-parse, written here (RFC 4180:
 * comma-separated, `\n` line ends, fields with commas, quotes, line breaks or edge spaces quoted,
 * `""` for a quote). Every value is a string; an empty field is a missing value.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { parse } from 'csv-parse/sync';

export interface CsvTable {
  readonly header: readonly string[];
  readonly rows: readonly (readonly string[])[];
}

/** A table with a header line; every record must have the header's number of fields. */
export function parseCsv(text: string): CsvTable {
  // No cast, no column mapping: values stay strings, and a short or long record is an error naming its line.
  const [header, ...rows] = parse(text);
  if (!header) throw new SyntaxError('CSV is empty: expected a header line');
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
