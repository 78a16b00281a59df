/** @module Finds the metric a gate rule names (`auc`, or `metrics/eval.json:auc` when two files have one) in both revisions' metrics. */
import { parseMetricRef, type FileChanges, type KeyChange } from '../../runner/index.js';

export type MetricLookup =
  | { readonly state: 'found'; readonly path: string; readonly change: KeyChange }
  | { readonly state: 'missing' }
  | { readonly state: 'ambiguous'; readonly paths: readonly string[] };

/** `files` must hold every key (unchanged ones too), as diffTrackedFiles({ all: true }) returns them. */
export function findMetric(files: readonly FileChanges[], metric: string): MetricLookup {
  const { file, key } = parseMetricRef(metric, files.map((f) => f.path));
  const hits: { path: string; change: KeyChange }[] = [];
  for (const f of files) {
    if (file !== undefined && f.path !== file) continue;
    const change = f.changes.find((c) => c.key === key);
    if (change) hits.push({ path: f.path, change });
  }
  if (hits.length > 1) {
    // Ambiguity only matters where it changes the answer: the head side decides.
    const withHead = hits.filter((h) => h.change.new !== undefined);
    if (withHead.length === 1) return { state: 'found', ...(withHead[0] as (typeof hits)[number]) };
    return { state: 'ambiguous', paths: hits.map((h) => h.path) };
  }
  const [hit] = hits;
  return hit ? { state: 'found', ...hit } : { state: 'missing' };
}
