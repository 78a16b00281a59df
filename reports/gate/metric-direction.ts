/** @module Whether a higher or a lower value of a metric is better: from the gate rules first, then from its name. */
import type { GateRule } from '../../runner/index.js';

export type Direction = 'higher' | 'lower';

// Errors, losses and costs: lower is better. Matched on the last part of a dotted key.
const LOWER = /(^|[_-])(loss|logloss|log_loss|error|err|rmse|mse|mae|mape|brier|latency|latency_ms|duration|fpr|fnr|false_positive_rate|false_negative_rate|psi|ks|perplexity|cost|time|ms|seconds)$/i;
// Scores: higher is better.
const HIGHER = /(^|[_-])(auc|roc_auc|pr_auc|accuracy|acc|precision|recall|f1|f1_score|r2|tpr|tnr|specificity|sensitivity|map|ndcg|bleu|rouge|score|iou|dice|kappa|mcc|throughput)$/i;

/**
 * `min`/`max_drop` in a rule mean higher is better, `max`/`max_rise` lower; a metric no rule
 * speaks for is judged by its name (auc, f1 … higher; loss, rmse, brier … lower), else unknown.
 */
export function metricDirection(key: string, path: string, rules: readonly GateRule[]): Direction | undefined {
  for (const r of rules) {
    if (!ruleNames(r, key, path)) continue;
    if (r.max_drop !== undefined) return 'higher';
    if (r.max_rise !== undefined) return 'lower';
    if (r.min !== undefined && r.max === undefined) return 'higher';
    if (r.max !== undefined && r.min === undefined) return 'lower';
  }
  const last = key.split('.').at(-1) ?? key;
  if (LOWER.test(last)) return 'lower';
  if (HIGHER.test(last)) return 'higher';
  return undefined;
}

/** Whether rule `r` is about `key` of the metrics file `path` (`metric: key` or `metric: path:key`). */
export function ruleNames(r: GateRule, key: string, path: string): boolean {
  return r.metric === key || r.metric === `${path}:${key}`;
}
