/** @module The experiments of a baseline (or of all) with their changed params and their metrics, as rows: what `pipe exp show` and `pipe report --exp` print. */
import { diffTrackedFiles, type FileChanges } from '../../runner/index.js';
import { PipeError } from '../../runner/command/index.js';
import { headCommit, listExps, type ExpRef } from './exp-refs.js';
import { git } from './git.js';

/** file → key → value. */
export type Values = Record<string, Record<string, unknown>>;

export interface ExpRow {
  readonly name: string;
  /** Undefined for a baseline's own row. */
  readonly ref?: string;
  readonly commit: string;
  readonly baseline: string;
  readonly created: number;
  readonly params: Values;
  readonly metrics: Values;
}

export interface ExpTable {
  /** Per baseline: its row, then its experiments' rows. */
  readonly groups: readonly { readonly baseline: ExpRow; readonly experiments: readonly ExpRow[] }[];
  /** Params that differ from the baseline in at least one experiment: [file, key]. */
  readonly paramColumns: readonly (readonly [string, string])[];
  readonly metricColumns: readonly (readonly [string, string])[];
  readonly problems: readonly string[];
}

export interface ExpTableOptions {
  readonly root: string;
  /** Every baseline, not only HEAD's. */
  readonly all?: boolean;
  /** A metric (KEY or FILE:KEY) to sort each baseline's experiments by. */
  readonly sortBy?: string;
  readonly sortOrder?: 'asc' | 'desc';
}

export async function expTable({ root, all = false, sortBy, sortOrder = 'asc' }: ExpTableOptions): Promise<ExpTable> {
  const head = await headCommit(root);
  const exps = await listExps(root, all ? undefined : head);
  const baselines = [...new Set([head, ...exps.map((e) => e.baseline)])].filter((b) => all || b === head);
  const problems: string[] = [];
  const changedParams = new Map<string, [string, string]>();
  const metricKeys = new Map<string, [string, string]>();
  const note = (into: Map<string, [string, string]>, files: readonly FileChanges[], keep: (state: string) => boolean) => {
    for (const f of files) for (const c of f.changes) if (keep(c.state)) into.set(`${f.path}\0${c.key}`, [f.path, c.key]);
  };
  const groups = [];
  for (const baseline of baselines) {
    const own = exps.filter((e) => e.baseline === baseline);
    const base: ExpRow = { name: await baselineName(root, baseline, head), commit: baseline, baseline, created: await commitTime(root, baseline), params: {}, metrics: {} };
    const rows = await Promise.all(
      own.map(async (e: ExpRef): Promise<ExpRow> => {
        const [p, m] = await Promise.all([diffTrackedFiles({ root, kind: 'params', a: baseline, b: e.ref, all: true }), diffTrackedFiles({ root, kind: 'metrics', a: baseline, b: e.ref, all: true })]);
        problems.push(...p.problems, ...m.problems);
        note(changedParams, p.files, (s) => s !== 'unchanged');
        note(metricKeys, m.files, () => true);
        // The baseline's values come with each diff (its A side).
        fill(base.params, p.files, 'old');
        fill(base.metrics, m.files, 'old');
        return { name: e.name, ref: e.ref, commit: e.commit, baseline, created: e.created, params: collect(p.files, 'new'), metrics: collect(m.files, 'new') };
      }),
    );
    groups.push({ baseline: base, experiments: sortRows(rows, sortBy, sortOrder) });
  }
  if (sortBy && !parseColumn(sortBy, [...metricKeys.values()])) {
    throw new PipeError('USAGE', `--sort-by ${sortBy}: no experiment has that metric${metricKeys.size ? ` (metrics: ${[...metricKeys.values()].map(([, k]) => k).join(', ')})` : ''}`, { command: 'exp show', flag: '--sort-by' });
  }
  // The experiments' diffs finish in any order: columns by file, then key, so a table reads the same every time.
  const byName = (a: readonly [string, string], b: readonly [string, string]) => a[0].localeCompare(b[0]) || a[1].localeCompare(b[1]);
  return { groups, paramColumns: [...changedParams.values()].sort(byName), metricColumns: [...metricKeys.values()].sort(byName), problems: [...new Set(problems)] };
}

function collect(files: readonly FileChanges[], side: 'old' | 'new'): Values {
  const out: Values = {};
  fill(out, files, side);
  return out;
}

function fill(into: Values, files: readonly FileChanges[], side: 'old' | 'new'): void {
  for (const f of files) {
    for (const c of f.changes) {
      const v = c[side];
      if (v === undefined) continue;
      (into[f.path] ??= {})[c.key] = v;
    }
  }
}

/** KEY or FILE:KEY among the columns. */
function parseColumn(text: string, columns: readonly (readonly [string, string])[]): readonly [string, string] | undefined {
  return columns.find(([f, k]) => k === text || `${f}:${k}` === text);
}

function sortRows(rows: ExpRow[], sortBy: string | undefined, order: 'asc' | 'desc'): ExpRow[] {
  if (!sortBy) return rows;
  const value = (r: ExpRow): number | undefined => {
    for (const [file, keys] of Object.entries(r.metrics)) {
      for (const [k, v] of Object.entries(keys)) if ((k === sortBy || `${file}:${k}` === sortBy) && typeof v === 'number') return v;
    }
    return undefined;
  };
  const sign = order === 'desc' ? -1 : 1;
  // Experiments without the metric go last whatever the order.
  return [...rows].sort((a, b) => {
    const [x, y] = [value(a), value(b)];
    if (x === undefined || y === undefined) return (x === undefined ? 1 : 0) - (y === undefined ? 1 : 0);
    return sign * (x - y);
  });
}

async function baselineName(root: string, commit: string, head: string): Promise<string> {
  const branch = commit === head ? (await git(root, ['symbolic-ref', '--short', '-q', 'HEAD']).catch(() => '')).trim() : '';
  return branch ? `${branch} (${commit.slice(0, 7)})` : commit.slice(0, 7);
}

async function commitTime(root: string, commit: string): Promise<number> {
  return Number((await git(root, ['show', '-s', '--format=%ct', commit]).catch(() => '0')).trim());
}
