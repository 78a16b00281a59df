/** @module The gate's verdict as a table (one row per rule), GitHub Markdown, JSON, and one sentence. */
import { formatValue, renderTable, type Revision, type StaleOut } from '../../runner/index.js';
import type { GateRow } from './evaluate-rule.js';
import type { GateResult } from './run-gate.js';

export const GATE_HEADER = ['Metric', 'Base', 'Head', 'Limit', 'Result'] as const;

export function gateRows(rows: readonly GateRow[], precision: number, { markdown = false } = {}): string[][] {
  return rows.map((r) => [
    r.rule.metric,
    formatValue(r.base, precision),
    formatValue(r.head, precision),
    r.limit,
    resultCell(r, markdown),
  ]);
}

function resultCell(r: GateRow, markdown: boolean): string {
  const word = r.result === 'pass' ? (markdown ? '✅ pass' : 'pass') : r.result === 'fail' ? (markdown ? '❌ FAIL' : 'FAIL') : 'skipped';
  return r.why ? `${word}: ${r.why}` : word;
}

export function renderGate(g: GateResult, { format, precision }: { format: 'table' | 'md' | 'json'; precision: number }): string {
  if (format === 'json') return `${JSON.stringify(gateJson(g), null, 2)}\n`;
  if (g.rows.length === 0) return '';
  const header = [GATE_HEADER[0], `Base (${g.base.name})`, `Head (${g.head.name})`, GATE_HEADER[3], GATE_HEADER[4]];
  return renderTable(header, gateRows(g.rows, precision, { markdown: format === 'md' }), { markdown: format === 'md' });
}

/** `passed: 2 rules (1 skipped)` / `failed: auc (below min 0.8)`. */
export function gateSentence(g: GateResult): string {
  const failed = g.rows.filter((r) => r.result === 'fail');
  const skipped = g.rows.filter((r) => r.result === 'skipped').length;
  const skippedText = skipped ? ` (${skipped} skipped)` : '';
  if (g.rows.length === 0) return "passed: no rules ('gates:' in pipeline.yaml is empty)";
  if (g.stale.length) {
    const rules = failed.length ? `; ${failed.map((r) => `${r.rule.metric} (${r.why})`).join('; ')}` : '';
    return `failed: ${g.stale.map(staleSentence).join('; ')}${rules}`;
  }
  if (failed.length === 0) {
    const n = g.rows.length - skipped;
    return `passed: ${n} rule${n === 1 ? '' : 's'}${skippedText}`;
  }
  return `failed: ${failed.map((r) => `${r.rule.metric} (${r.why})`).join('; ')}`;
}

/** `metrics/eval.json is stale: stage evaluate is not up to date (validate failed)`. */
export function staleSentence(s: StaleOut): string {
  return `${s.path} is stale: ${s.why}`;
}

/** Said when freshness was checked without some cached data (a clone that has not pulled). */
export function unverifiedNote(paths: readonly string[]): string {
  const list = paths.length > 3 ? `${paths.slice(0, 3).join(', ')} and ${paths.length - 3} more` : paths.join(', ');
  const [is, them] = paths.length === 1 ? ['is', 'it'] : ['are', 'them'];
  return `${list} ${is} not in the workspace ('pipe pull' fetches ${them}); the gate took data.lock's record of ${them} as it is`;
}

export function gateJson(g: GateResult): unknown {
  return {
    passed: g.passed,
    stale: g.stale.map((s) => ({ path: s.path, stage: s.stage, why: s.why })),
    base: revisionJson(g.base),
    head: revisionJson(g.head),
    target: g.target ?? null,
    rules: g.rows.map((r) => ({
      metric: r.rule.metric,
      path: r.path ?? null,
      base: r.base ?? null,
      head: r.head ?? null,
      limit: r.limit,
      result: r.result,
      why: r.why,
      rule: r.rule,
    })),
  };
}

function revisionJson(r: Revision): unknown {
  return { rev: r.name, commit: r.commit ?? null };
}
