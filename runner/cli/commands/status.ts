/** @module `pipe status`: which stages are out of date and every reason why. */
import { status as getStatus } from '../../api/status.js';
import { describeReason } from '../../exec/reason.js';
import { findRoot } from '../../repo/find-root.js';
import { style } from '../ansi.js';
import type { Command } from '../command.js';

export const status: Command = {
  name: 'status',
  usage: 'pipe status [STAGE…] [--json]',
  summary: 'show which stages are out of date and why',
  description: `
For each stage: up to date, or changed with every reason (cmd changed, dep X modified,
added or removed, param Y changed from a to b, out Z missing or modified, an upstream stage
changed), and whether it is frozen or always_changed; then tracked data ('pipe add') that was
modified or is missing. Reads and hashes; runs nothing.
Exits 0 whether or not something changed.`,
  options: {
    json: { type: 'boolean', help: 'print the result as JSON' },
  },
  positionals: true,
  async run({ values, positionals, io }) {
    const { stages: entries, data } = await getStatus({ root: findRoot(io.cwd), targets: positionals });
    if (values.json) {
      const json = entries.map((e) => ({ ...e, reasons: e.reasons.map((r) => ({ ...r, message: describeReason(r) })) }));
      io.out(`${JSON.stringify({ stages: json, data }, null, 2)}\n`);
      return;
    }
    const s = style(io.color);
    if (entries.length === 0) io.out('No stages in pipeline.yaml.\n');
    for (const e of entries) {
      const label =
        e.state === 'up-to-date' ? s.green('up to date') : e.state === 'changed' ? s.yellow('changed') : s.yellow(e.state.replace('-', ' '));
      io.out(`${s.bold(e.stage)}: ${label}\n`);
      for (const r of e.reasons) io.out(`    ${describeReason(r)}\n`);
    }
    for (const d of data) {
      if (d.state !== 'up-to-date') io.out(`${s.bold(d.path)}: ${s.yellow(`tracked data ${d.state}`)} (run 'pipe add ${d.path}' to record the new version${d.state === 'missing' ? ", or 'pipe checkout'" : ''})\n`);
    }
    if (entries.every((e) => e.state === 'up-to-date') && data.every((d) => d.state === 'up-to-date') && entries.length + data.length > 0) {
      io.out(s.dim('Everything is up to date.\n'));
    }
  },
};
