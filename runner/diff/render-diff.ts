/** @module Turns a diff or a side-by-side table of params/metrics into text: an aligned table, GitHub Markdown, or JSON. */
import type { Revision } from '../git/revision.js';
import type { TrackedDiff } from './diff-tracked-files.js';
import { formatChange, formatValue } from './format-value.js';
import { renderTable } from './render-table.js';
import type { ShownKey, TrackedTable } from './show-tracked-files.js';

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

/** A list of mappings with more values than this is folded to one row unless --all. */
export const FOLD_AFTER = 12;

export interface FoldedList {
  readonly path: string;
  readonly key: string;
  /** How many values its row stands for. */
  readonly values: number;
}

/**
 * Columns Path, key, then one per revision; '' when there is no row (tables). Rows: the metrics
 * the gate rules name, then each file's keys outside lists, then per-entry detail of lists of
 * mappings, each list folded to one row (`checks[…]`, `67 entries`) when long, unless `all`.
 */
export function renderShow(t: TrackedTable, { format, precision, keyHeader, all = false }: RenderOptions & { all?: boolean }): { text: string; folded: FoldedList[] } {
  if (format === 'json') return { text: `${JSON.stringify(showJson(t), null, 2)}\n`, folded: [] };
  const row = (path: string, k: ShownKey) => [path, k.key, ...k.values.map((v) => formatValue(v, precision))];
  const rows = t.files.flatMap((f) => f.keys.filter((k) => k.gated).map((k) => row(f.path, k)));
  const folded: FoldedList[] = [];
  for (const f of t.files) {
    const rest = f.keys.filter((k) => !k.gated);
    rows.push(...rest.filter((k) => k.list === undefined).map((k) => row(f.path, k)));
    for (const list of f.lists) {
      const detail = rest.filter((k) => k.list === list.key);
      if (all || detail.length <= FOLD_AFTER) {
        rows.push(...detail.map((k) => row(f.path, k)));
        continue;
      }
      folded.push({ path: f.path, key: list.key, values: detail.length });
      rows.push([f.path, `${list.key}[…]`, ...list.sizes.map((n) => (n === undefined ? formatValue(undefined, precision) : `${n} entries`))]);
    }
  }
  const text = rows.length === 0 ? '' : renderTable(['Path', keyHeader, ...t.revisions.map((r) => r.name)], rows, { markdown: format === 'md' });
  return { text, folded };
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
