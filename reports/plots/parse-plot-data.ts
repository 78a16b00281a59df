/** @module Reads a plot's data file (JSON, YAML, CSV or TSV) into rows, or says why it holds no table. */
import { parseStructured } from '../../runner/index.js';
import { parseDelimited } from './parse-delimited.js';
import type { PlotRow } from './plot.js';

export type PlotData = { readonly ok: true; readonly rows: readonly PlotRow[] } | { readonly ok: false; readonly reason: string };

/**
 * As DVC reads plots: `.csv` and `.tsv` by their header row; anything else as JSON or YAML holding
 * a list of records, or a mapping with exactly one list of records (`{"train": [{…}, …]}`).
 */
export async function parsePlotData(path: string, text: string): Promise<PlotData> {
  const ext = path.slice(path.lastIndexOf('.') + 1).toLowerCase();
  if (ext === 'csv' || ext === 'tsv') {
    const parsed = parseDelimited(text, ext === 'csv' ? ',' : '\t');
    if (!parsed.ok) return { ok: false, reason: `cannot be read as ${ext.toUpperCase()}: ${parsed.reason}` };
    return nonEmpty(parsed.rows);
  }
  const file = await parseStructured(path, text);
  if (file.state !== 'found') return { ok: false, reason: `cannot be read as JSON or YAML (${file.state === 'invalid' ? file.message : 'empty'})` };
  const rows = recordsIn(file.value);
  if (!rows) return { ok: false, reason: 'holds no table (a list of records, or a mapping with one list of records, is expected)' };
  return nonEmpty(rows);
}

function recordsIn(value: unknown): PlotRow[] | undefined {
  if (isRecordList(value)) return value;
  if (isRecord(value)) {
    const lists = Object.values(value).filter(isRecordList);
    if (lists.length === 1) return lists[0];
  }
  return undefined;
}

function nonEmpty(rows: readonly PlotRow[]): PlotData {
  return rows.length === 0 ? { ok: false, reason: 'holds no rows' } : { ok: true, rows };
}

function isRecordList(v: unknown): v is PlotRow[] {
  return Array.isArray(v) && v.every(isRecord);
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
