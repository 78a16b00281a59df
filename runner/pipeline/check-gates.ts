/** @module Checks what the schema cannot say about `gates:` rules: each rule checks something, limits that can all hold, a metric file the pipeline declares. */
import type { SpecIssue } from '../errors.js';
import type { GateRule, Stage } from './pipeline.js';
import { formatKeyPath, type KeyPath, type YamlSource } from '../yaml/key-path.js';

const CHECKS = ['min', 'max', 'max_drop', 'max_rise', 'required'] as const;

/**
 * Returns the rules (the schema has checked their types) and adds an issue, located at the
 * offending key, for each rule that is malformed.
 */
export function checkGates(source: YamlSource, raw: unknown, stages: readonly Stage[], issues: SpecIssue[], topMetrics: readonly string[] = []): GateRule[] {
  if (!Array.isArray(raw)) return [];
  const at = (path: KeyPath, message: string) => issues.push({ file: source.file, ...source.locate(path), key: formatKeyPath(path), message });
  const metricFiles = new Set([...stages.flatMap((s) => s.outs.filter((o) => o.kind === 'metric').map((o) => o.path)), ...topMetrics]);
  const rules: GateRule[] = [];
  raw.forEach((value, i) => {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return; // the schema said so
    const rule = value as GateRule;
    const path = ['gates', i];
    if (typeof rule.metric !== 'string') return;
    if (!CHECKS.some((c) => (c === 'required' ? rule.required === true : rule[c] !== undefined))) {
      at(path, `rule for '${rule.metric}' checks nothing: give min, max, max_drop, max_rise or required`);
    }
    if (typeof rule.min === 'number' && typeof rule.max === 'number' && rule.min > rule.max) {
      at([...path, 'min'], `min ${rule.min} is above max ${rule.max}: no value can pass`);
    }
    if (rule.max_drop !== undefined && rule.max_rise !== undefined) {
      at([...path, 'max_rise'], `max_drop (higher is better) and max_rise (lower is better) contradict each other; keep one`);
    }
    // `path:key` when the part before a colon is a metrics file (or looks like a file); otherwise
    // the colon belongs to the key.
    const declared = [...metricFiles].find((f) => rule.metric.startsWith(`${f}:`));
    const colon = declared ? declared.length : rule.metric.lastIndexOf(':');
    if (colon > 0 && (declared || looksLikeFile(rule.metric.slice(0, colon)))) {
      const file = rule.metric.slice(0, colon);
      if (!metricFiles.has(file)) {
        const known = [...metricFiles];
        at([...path, 'metric'], `'${file}' is not a metrics file of this pipeline${known.length ? ` (declared: ${known.join(', ')})` : ' (no stage declares metrics:)'}`);
      }
      if (colon === rule.metric.length - 1) at([...path, 'metric'], `'${rule.metric}' names a file but no key; write file:key`);
    }
    (rule.branches ?? []).forEach((b, j) => {
      if (b.trim() === '') at([...path, 'branches', j], 'an empty branch name');
    });
    rules.push(rule);
  });
  return rules;
}

function looksLikeFile(s: string): boolean {
  return s.includes('/') || /\.(json|ya?ml|csv|tsv)$/i.test(s);
}
