/** @module Decides one gate rule: absolute limits on the head value, allowed regression against the base, presence. */
import { numericDiff, type GateRule } from '../../runner/index.js';
import type { MetricLookup } from './find-metric.js';

export type RuleResult = 'pass' | 'fail' | 'skipped';

export interface GateRow {
  readonly rule: GateRule;
  /** The metrics file the value came from, when found. */
  readonly path?: string;
  readonly base?: unknown;
  readonly head?: unknown;
  /** The limits in words: `≥ 0.8`, `drop ≤ 0.01 (≥ 0.85)`, `required`. */
  readonly limit: string;
  readonly result: RuleResult;
  /** Why it failed or was skipped; empty when it passed. */
  readonly why: string;
}

/** `target`: the branch the change goes into, when known; rules with `branches:` apply only there. */
export function evaluateRule(rule: GateRule, found: Exclude<MetricLookup, { state: 'ambiguous' }>, target: string | undefined, matches: (pattern: string, branch: string) => boolean): GateRow {
  const base = found.state === 'found' ? found.change.old : undefined;
  const head = found.state === 'found' ? found.change.new : undefined;
  const path = found.state === 'found' ? found.path : undefined;
  const limit = describeLimits(rule, base);
  const row = (result: RuleResult, why: string): GateRow => ({ rule, ...(path ? { path } : {}), base, head, limit, result, why });

  if (rule.branches?.length) {
    if (target === undefined) return row('skipped', `applies to ${rule.branches.join(', ')}; the target branch is unknown (pass --target)`);
    if (!rule.branches.some((b) => matches(b, target))) return row('skipped', `applies to ${rule.branches.join(', ')}, not ${target}`);
  }
  const checksValue = rule.min !== undefined || rule.max !== undefined || rule.max_drop !== undefined || rule.max_rise !== undefined;
  if (head === undefined) {
    if (rule.required || checksValue) return row('fail', 'missing in the head revision');
    return row('pass', '');
  }
  if (!checksValue) return row('pass', '');
  if (typeof head !== 'number' || !Number.isFinite(head)) return row('fail', `not a number: ${JSON.stringify(head)}`);
  const failures: string[] = [];
  if (rule.min !== undefined && head < rule.min) failures.push(`below min ${rule.min}`);
  if (rule.max !== undefined && head > rule.max) failures.push(`above max ${rule.max}`);
  const baseNumber = typeof base === 'number' && Number.isFinite(base) ? base : undefined;
  if (rule.max_drop !== undefined && baseNumber !== undefined) {
    const drop = numericDiff(head, baseNumber);
    if (drop > rule.max_drop) failures.push(`dropped ${drop} (allowed ${rule.max_drop})`);
  }
  if (rule.max_rise !== undefined && baseNumber !== undefined) {
    const rise = numericDiff(baseNumber, head);
    if (rise > rule.max_rise) failures.push(`rose ${rise} (allowed ${rule.max_rise})`);
  }
  if (failures.length) return row('fail', failures.join('; '));
  const relative = rule.max_drop !== undefined || rule.max_rise !== undefined;
  return row('pass', relative && baseNumber === undefined ? 'no base value: regression not checked' : '');
}

function describeLimits(rule: GateRule, base: unknown): string {
  const parts: string[] = [];
  if (rule.min !== undefined) parts.push(`≥ ${rule.min}`);
  if (rule.max !== undefined) parts.push(`≤ ${rule.max}`);
  const b = typeof base === 'number' && Number.isFinite(base) ? base : undefined;
  if (rule.max_drop !== undefined) parts.push(`drop ≤ ${rule.max_drop}${b === undefined ? '' : ` (≥ ${numericDiff(rule.max_drop, b)})`}`);
  if (rule.max_rise !== undefined) parts.push(`rise ≤ ${rule.max_rise}${b === undefined ? '' : ` (≤ ${numericDiff(-rule.max_rise, b)})`}`);
  if (parts.length === 0 && rule.required) parts.push('required');
  return parts.join(', ');
}
