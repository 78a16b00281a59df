/** @module `pipe status`: which stages are out of date and every reason why. */
import type { RemoteStatus } from '../api/remote/remote-status.js';
import { style } from '../command/ansi.js';
import { defineCommand, type Io } from '../command/command.js';
import { positiveInt } from '../command/parse-args.js';
import { findRoot } from '../repo/find-root.js';
import { describeReason } from '../stage/reason.js';
import { notOnRemoteLine } from './not-on-remote.js';
import { targetsArg } from './shared-options.js';
import { formatBytes } from '../command/format-bytes.js';

export const status = defineCommand({
  name: 'status',
  description: `
For each stage: up to date, or changed with every reason (cmd changed, dep X modified,
added or removed, param Y changed from a to b, out Z missing or modified, an upstream stage
changed), and whether it is frozen or always_changed; then tracked data ('pipe add') that was
modified or is missing. Reads and hashes; runs nothing.

With --remote: for each cached out and tracked path of data.lock (or of the TARGETs), the
objects the remote lacks (push would send them), those only the remote has (pull would fetch
them) and those in neither; and the run-cache entries on one side only. Lists the remote (or
asks about each object when there are few); downloads nothing into the cache.
Exits 0 whether or not something changed.`,
  options: {
    json: { type: 'boolean', help: 'print the result as JSON' },
    remote: { type: 'boolean', short: 'c', help: "compare the cache with a remote (DVC's -c, --cloud) instead of the workspace with data.lock" },
    'remote-name': { type: 'string', short: 'r', valueName: 'NAME', help: 'the remote to compare with (implies --remote; default: the default remote)' },
    jobs: { type: 'string', short: 'j', valueName: 'N', help: 'with --remote: requests at once' },
  },
  positionals: [targetsArg],
  async run({ options, args, io }) {
    if (options.remote || options['remote-name'] !== undefined) {
      const { remoteStatus } = await import('../api/remote/remote-status.js');
      const r = await remoteStatus({
        root: findRoot(io.cwd),
        cwd: io.cwd,
        targets: args.targets,
        remote: options['remote-name'],
        jobs: options.jobs === undefined ? undefined : positiveInt('status', '--jobs', options.jobs, 1),
      });
      if (options.json) io.out(`${JSON.stringify(r, null, 2)}\n`);
      else printRemote(io, r);
      return;
    }
    const { status: getStatus } = await import('../api/status.js');
    const { stages: entries, data, warnings } = await getStatus({ root: findRoot(io.cwd), targets: args.targets });
    for (const w of warnings) io.err(`warning: ${w}\n`);
    if (options.json) {
      const json = entries.map((e) => ({ ...e, reasons: e.reasons.map((r) => ({ ...r, message: describeReason(r) })) }));
      io.out(`${JSON.stringify({ stages: json, data, warnings }, null, 2)}\n`);
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
});

function printRemote(io: Io, r: RemoteStatus): void {
  const s = style(io.color);
  const plural = (n: number, word: string) => `${n.toLocaleString('en-US')} ${word}${n === 1 ? '' : 's'}`;
  const entries = (n: number) => `${n.toLocaleString('en-US')} entr${n === 1 ? 'y' : 'ies'}`;
  io.out(`remote '${r.remote}' (${r.where}):\n`);
  if (r.paths.length === 0) io.out('    data.lock references no cached data\n');
  let push = 0;
  let pull = 0;
  let missing = 0;
  for (const p of r.paths) {
    const parts: string[] = [];
    if (p.localOnly.length) parts.push(s.yellow(`${plural(p.localOnly.length, 'object')} not in the remote`));
    if (p.remoteOnly.length) parts.push(`${plural(p.remoteOnly.length, 'object')} only in the remote`);
    if (p.missing.length) parts.push(s.red(`${plural(p.missing.length, 'object')} in neither the cache nor the remote`));
    if (p.unknownFiles) parts.push(s.red('its directory manifest is in neither, so its files are unknown'));
    push += p.localOnly.length;
    pull += p.remoteOnly.length;
    missing += p.missing.length;
    io.out(`    ${s.bold(p.path)}: ${parts.length ? parts.join(', ') : s.green(`in sync (${plural(p.objects, 'object')})`)}\n`);
  }
  const absent = new Set(r.notOnRemote);
  for (const p of r.localOnlyPaths) if (!absent.has(p)) io.out(`    ${s.bold(p)}: ${s.dim('push: false (kept in the local cache only)')}\n`);
  if (absent.size) io.out(`    ${notOnRemoteLine(r.notOnRemote)}`);
  if (r.runs.localOnly.length) io.out(`    run-cache: ${entries(r.runs.localOnly.length)} not in the remote\n`);
  if (r.runs.remoteOnly.length) io.out(`    run-cache: ${entries(r.runs.remoteOnly.length)} only in the remote\n`);
  if (r.unreferenced) io.out(s.dim(`    (the remote also holds ${plural(r.unreferenced, 'object')} that this workspace does not reference)\n`));
  const todo: string[] = [];
  if (push || r.runs.localOnly.length) todo.push(`'pipe push' would send ${plural(push, 'object')} (${formatBytes(r.pushBytes)})`);
  if (pull) todo.push(`'pipe pull' would fetch ${plural(pull, 'object')}`);
  if (missing) todo.push(`${plural(missing, 'object')} must be computed again ('pipe repro')`);
  io.out(todo.length ? `${todo.join('; ')}.\n` : s.dim('The remote has everything the workspace references.\n'));
}
