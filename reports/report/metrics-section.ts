/** @module The report's metrics table: base vs head, change, % change, and whether that is better or worse for this metric. */
import { ABSENT, formatNumber, formatPercent, formatValue, renderTable, type GateRule, type KeyChange, type TrackedDiff } from '../../runner/index.js';
import { metricDirection, ruleNames } from '../gate/metric-direction.js';

export interface MetricsSectionOptions {
  readonly precision: number;
  readonly rules: readonly GateRule[];
  /** Files shown elsewhere (data-validation results), left out of the table. */
  readonly skip: ReadonlySet<string>;
}

export function metricsSection(d: TrackedDiff, { precision, rules, skip }: MetricsSectionOptions): string {
  const rows: string[][] = [];
  let unchanged = 0;
  for (const f of d.files) {
    if (skip.has(f.path)) continue;
    for (const c of f.changes) {
      const gated = rules.some((r) => ruleNames(r, c.key, f.path));
      if (c.state === 'unchanged' && !gated) {
        unchanged++;
        continue;
      }
      rows.push([f.path, c.key, formatValue(c.old, precision), formatValue(c.new, precision), change(c, precision), pct(c), effect(c, metricDirection(c.key, f.path, rules))]);
    }
  }
  const lines = ['## Metrics', ''];
  if (rows.length === 0) lines.push(d.files.length ? `No metric changed between \`${d.a.name}\` and \`${d.b.name}\`.` : "No metrics (pipeline.yaml declares them under a stage's `metrics:`).");
  else lines.push(renderTable(['Path', 'Metric', d.a.name, d.b.name, 'Change', '%', ''], rows, { markdown: true }).trimEnd());
  if (unchanged) lines.push('', `${unchanged} unchanged metric${unchanged === 1 ? '' : 's'} not shown.`);
  return lines.join('\n');
}

function change(c: KeyChange, precision: number): string {
  if (c.state === 'added' || c.state === 'removed') return c.state;
  if (c.diff !== undefined) return c.diff === 0 ? '0' : `${c.diff > 0 ? '+' : ''}${formatNumber(c.diff, precision)}`;
  return c.state === 'changed' ? 'changed' : '';
}

function pct(c: KeyChange): string {
  return c.pct === undefined || c.diff === 0 ? (c.diff === 0 ? '0%' : ABSENT) : formatPercent(c.pct);
}

function effect(c: KeyChange, direction: 'higher' | 'lower' | undefined): string {
  if (c.diff === undefined || c.diff === 0 || direction === undefined) return '';
  const better = direction === 'higher' ? c.diff > 0 : c.diff < 0;
  return better ? '🟢 better' : '🔴 worse';
}
