/** @module Renders the experiments table as text, Markdown, CSV or JSON, with DVC's columns: Experiment, Created, metrics…, params…. */
import { formatValue, renderTable } from '../../runner/index.js';
import type { ExpRow, ExpTable } from './exp-table.js';

export type ExpFormat = 'table' | 'md' | 'csv' | 'json';

export function renderExpTable(t: ExpTable, { format, precision }: { format: ExpFormat; precision: number }): string {
  if (format === 'json') return `${JSON.stringify(expJson(t), null, 2)}\n`;
  const label = (cols: readonly (readonly [string, string])[], [file, key]: readonly [string, string]) => (cols.filter(([, k]) => k === key).length > 1 ? `${file}:${key}` : key);
  const header = ['Experiment', 'Created', ...t.metricColumns.map((c) => label(t.metricColumns, c)), ...t.paramColumns.map((c) => label(t.paramColumns, c))];
  const cell = (v: unknown) => (format === 'csv' ? (v === undefined ? '' : typeof v === 'string' ? v : JSON.stringify(v)) : formatValue(v, precision));
  const row = (r: ExpRow, name: string) => [
    name,
    created(r.created),
    ...t.metricColumns.map(([f, k]) => cell(r.metrics[f]?.[k])),
    ...t.paramColumns.map(([f, k]) => cell(r.params[f]?.[k])),
  ];
  const rows: string[][] = [];
  for (const g of t.groups) {
    rows.push(row(g.baseline, g.baseline.name));
    g.experiments.forEach((e, i) => rows.push(row(e, format === 'table' ? `${i === g.experiments.length - 1 ? '└──' : '├──'} ${e.name}` : e.name)));
  }
  if (format === 'csv') return [header, ...rows].map((r) => r.map(csvCell).join(',')).join('\n') + '\n';
  return renderTable(header, rows, { markdown: format === 'md' });
}

function created(seconds: number): string {
  return seconds ? new Date(seconds * 1000).toISOString().slice(0, 16).replace('T', ' ') : '';
}

function csvCell(s: string): string {
  return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

function expJson(t: ExpTable): unknown {
  const one = (r: ExpRow) => ({ name: r.name, ref: r.ref ?? null, commit: r.commit, baseline: r.baseline, created: r.created ? new Date(r.created * 1000).toISOString() : null, metrics: r.metrics, params: r.params });
  return { baselines: t.groups.map((g) => ({ ...one(g.baseline), experiments: g.experiments.map(one) })) };
}
