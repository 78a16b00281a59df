/** @module The report's first section: the gate's verdict and its rules. */
import { renderTable } from '../../runner/index.js';
import { gateRows, gateSentence, GATE_HEADER } from '../gate/render-gate.js';
import type { GateResult } from '../gate/run-gate.js';

export function gateSection(g: GateResult, precision: number): string {
  const verdict = g.passed ? '✅ Gate passed' : '❌ Gate failed';
  const into = g.target ? ` into \`${g.target}\`` : '';
  const lines = [`## ${verdict}`, '', `${capitalise(gateSentence(g))}${into}, against \`${g.base.name}\`.`];
  if (g.stale.length) lines.push('', "The head's metrics are not what an up-to-date pipeline produced: run `pipe repro` (and fix what failed), then commit `data.lock` and the metrics.");
  if (g.rows.length) lines.push('', renderTable([...GATE_HEADER], gateRows(g.rows, precision, { markdown: true }), { markdown: true }).trimEnd());
  return lines.join('\n');
}

function capitalise(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}
