/** @module `pipe exp diff A [B]`: params and metrics between two experiments or revisions (default: A's baseline and A), with the diff tables of params diff and metrics diff. */
import { diffTrackedFiles, isPipeError, type TrackedDiff } from '../../runner/index.js';
import { findExp } from './exp-refs.js';

export interface ExpDiff {
  readonly a: string;
  readonly b: string;
  readonly params: TrackedDiff;
  readonly metrics: TrackedDiff;
}

/** An experiment's name becomes its ref; anything else is a revision as git reads it. */
async function revisionOf(root: string, name: string): Promise<{ rev: string; label: string; baseline?: string }> {
  try {
    const e = await findExp(root, name);
    return { rev: e.ref, label: e.name, baseline: e.baseline };
  } catch (err) {
    if (isPipeError(err) && err.code === 'EXP_UNKNOWN' && (err.data as { candidates: readonly string[] }).candidates.length === 0) return { rev: name, label: name };
    throw err;
  }
}

export async function expDiff({ root, a, b, all = false }: { root: string; a: string; b?: string; all?: boolean }): Promise<ExpDiff> {
  const first = await revisionOf(root, a);
  // One name: its baseline against it.
  const base = first.baseline === undefined ? { rev: 'HEAD', label: 'HEAD' } : { rev: first.baseline, label: `baseline ${first.baseline.slice(0, 7)}` };
  const [from, to] = b === undefined ? [base, first] : [first, await revisionOf(root, b)];
  const [params, metrics] = await Promise.all([diffTrackedFiles({ root, kind: 'params', a: from.rev, b: to.rev, all }), diffTrackedFiles({ root, kind: 'metrics', a: from.rev, b: to.rev, all })]);
  // Columns headed by the names the user gave, not the refs behind them.
  const named = (d: TrackedDiff): TrackedDiff => ({ ...d, a: { ...d.a, name: from.label }, b: { ...d.b, name: to.label } });
  return { a: from.label, b: to.label, params: named(params), metrics: named(metrics) };
}
