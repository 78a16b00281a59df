/** @module The report's stages table: what the last `pipe repro` ran, restored or skipped, and how long each took. */
import { renderTable, type RunRecord, type StageOutcome } from '../../runner/index.js';

const WORDS: Record<StageOutcome, string> = {
  ran: '▶️ ran',
  restored: '♻️ restored from run-cache',
  skipped: '⏭️ up to date',
  frozen: '🧊 frozen',
  failed: '❌ failed',
  'not-run': '⛔ not run',
};

export function stagesSection(run: { record: RunRecord; current: boolean } | undefined): string {
  const lines = ['## Stages', ''];
  if (!run) {
    lines.push('No `pipe repro` has run in this workspace, so there is nothing to say about stages.');
    return lines.join('\n');
  }
  const { record, current } = run;
  const total = (Date.parse(record.finished) - Date.parse(record.started)) / 1000;
  const counts = (o: StageOutcome) => record.stages.filter((s) => s.outcome === o).length;
  lines.push(
    `Last \`pipe repro\`: ${record.ok ? 'succeeded' : 'failed'} at ${record.finished.replace('T', ' ').replace(/\.\d+Z$/, 'Z')} in ${total.toFixed(1)} s — ${counts('ran')} ran, ${counts('restored')} restored, ${counts('skipped')} up to date.`,
  );
  if (!current) lines.push('', '⚠️ data.lock has changed since that run (another run, a checkout or an edit): the table may not describe these results.');
  const rows = record.stages.map((s) => [s.stage, WORDS[s.outcome], s.ms === undefined ? '' : `${(s.ms / 1000).toFixed(s.ms < 10_000 ? 2 : 1)} s`, s.reason ?? '']);
  if (rows.length) lines.push('', renderTable(['Stage', 'Result', 'Time', 'Why'], rows, { markdown: true }).trimEnd());
  return lines.join('\n');
}
