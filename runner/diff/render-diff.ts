/** @module Turns a diff or a side-by-side table of params/metrics into text: an aligned table, GitHub Markdown, or JSON. */
import type { Revision } from '../git/revision.js';
import type { TrackedDiff } from './diff-tracked-files.js';
import { formatChange, formatValue } from './format-value.js';
import { renderTable } from './render-table.js';
import type { TrackedTable } from './show-tracked-files.js';

export type OutputFormat = 'table' | 'md' | 'json';

export interface RenderOptions {
  readonly format: OutputFormat;
  /** Significant digits of non-integer numbers in tables (JSON is never rounded). */
  readonly precision: number;
  /** Header of the key column: `Param` or `Metric`. */
  readonly keyHeader: string;
}

/** Columns Path, key, A, B, Change; '' when there is no row (tables) — JSON is always printed. */
export function renderDiff(d: TrackedDiff, { format, precision, keyHeader }: RenderOptions): string {
  if (format === 'json') return `${JSON.stringify(diffJson(d), null, 2)}\n`;
  const rows = d.files.flatMap((f) =>
    f.changes.map((c) => [f.path, c.key, formatValue(c.old, precision), formatValue(c.new, precision), formatChange(c, precision)]),
  );
  return rows.length === 0 ? '' : renderTable(['Path', keyHeader, d.a.name, d.b.name, 'Change'], rows, { markdown: format === 'md' });
}

/** `{a, b, files: {path: {key: {state, old, new, diff, pct}}}}`; absent values and non-numeric diffs are null. */
export function diffJson(d: TrackedDiff): unknown {
  return {
    a: revisionJson(d.a),
    b: revisionJson(d.b),
    files: Object.fromEntries(
      d.files.map((f) => [
        f.path,
        Object.fromEntries(
          f.changes.map((c) => [c.key, { state: c.state, old: c.old ?? null, new: c.new ?? null, diff: c.diff ?? null, pct: c.pct ?? null }]),
        ),
      ]),
    ),
  };
}

/** Columns Path, key, then one per revision; '' when there is no row (tables). */
export function renderShow(t: TrackedTable, { format, precision, keyHeader }: RenderOptions): string {
  if (format === 'json') return `${JSON.stringify(showJson(t), null, 2)}\n`;
  const rows = t.files.flatMap((f) => f.keys.map((k) => [f.path, k.key, ...k.values.map((v) => formatValue(v, precision))]));
  return rows.length === 0 ? '' : renderTable(['Path', keyHeader, ...t.revisions.map((r) => r.name)], rows, { markdown: format === 'md' });
}

/** `{revisions: [{rev, commit}], files: {path: {key: {rev: value}}}}`; a revision without the key is left out of its entry. */
export function showJson(t: TrackedTable): unknown {
  return {
    revisions: t.revisions.map(revisionJson),
    files: Object.fromEntries(
      t.files.map((f) => [
        f.path,
        Object.fromEntries(
          f.keys.map((k) => [
            k.key,
            Object.fromEntries(t.revisions.flatMap((r, i) => (k.values[i] === undefined ? [] : [[r.name, k.values[i]]]))),
          ]),
        ),
      ]),
    ),
  };
}

function revisionJson(r: Revision): { rev: string; commit: string | null } {
  return { rev: r.name, commit: r.commit ?? null };
}
