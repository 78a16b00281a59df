/** @module The report's params table: what changed between the base and the head. */
import { formatChange, formatValue, renderTable, type TrackedDiff } from '../../runner/index.js';

export function paramsSection(d: TrackedDiff, precision: number): string {
  const rows = d.files.flatMap((f) => f.changes.map((c) => [f.path, c.key, formatValue(c.old, precision), formatValue(c.new, precision), formatChange(c, precision)]));
  const body = rows.length ? renderTable(['Path', 'Param', d.a.name, d.b.name, 'Change'], rows, { markdown: true }).trimEnd() : `No params changed between \`${d.a.name}\` and \`${d.b.name}\`.`;
  return ['## Params', '', body].join('\n');
}
