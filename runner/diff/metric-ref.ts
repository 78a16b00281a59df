/** @module Reads a metric reference as gates write it: `auc`, or `metrics/eval.json:auc` when two files have one. */

/**
 * `file` when the reference starts with one of `paths` and a colon (the longest such path wins),
 * else undefined and the whole text is the key, colons and all (`checks[psi:tenure].value`).
 */
export function parseMetricRef(metric: string, paths: readonly string[]): { readonly file?: string; readonly key: string } {
  const file = paths.filter((p) => metric.startsWith(`${p}:`)).sort((a, b) => b.length - a.length)[0];
  return file === undefined ? { key: metric } : { file, key: metric.slice(file.length + 1) };
}
