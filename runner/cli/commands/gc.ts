/** @module `pipe gc`: remove cache objects nothing needs any more. */
import { gc as runGc } from '../../api/gc.js';
import { PipeError } from '../../errors.js';
import { findRoot } from '../../repo/find-root.js';
import type { Command } from '../command.js';
import { seconds } from '../parse-command-args.js';

export const gc: Command = {
  name: 'gc',
  usage: 'pipe gc --workspace [--dry] [--keep-run-cache]',
  summary: 'remove cache objects that the current workspace does not reference',
  description: `
Keeps the objects that the current data.lock references (stage outs and deps, tracked data,
and every file of their directories) and what pipe placed in the workspace; removes every
other object from .pipe/cache and prints what it frees. Run-cache entries are kept only when
they describe the current lock's results (so switching back to an older param set after gc
re-runs instead of restoring); --keep-run-cache keeps all of them and their objects.`,
  options: {
    workspace: { type: 'boolean', short: 'w', help: 'keep only what the current workspace (data.lock) references' },
    dry: { type: 'boolean', help: 'list what would be removed; remove nothing' },
    'keep-run-cache': { type: 'boolean', help: 'keep every run-cache entry and the objects it needs' },
    wait: { type: 'string', valueName: 'SECONDS', help: 'how long to wait for another pipe run in this repository (default 60)' },
  },
  positionals: false,
  async run({ values, io }) {
    if (!values.workspace) {
      throw new PipeError('USAGE', "pipe gc needs a scope: --workspace (keep what the current data.lock references); see 'pipe help gc'", {
        command: 'gc',
        flag: '--workspace',
      });
    }
    const r = await runGc({
      root: findRoot(io.cwd),
      dry: Boolean(values.dry),
      keepRunCache: Boolean(values['keep-run-cache']),
      waitSeconds: seconds('gc', '--wait', values.wait as string | undefined, 60),
    });
    const verb = values.dry ? 'would remove' : 'removed';
    if (values.dry) for (const o of r.removedObjects) io.out(`${o.hash}  ${o.size}\n`);
    io.out(
      `${verb} ${r.removedObjects.length} object${r.removedObjects.length === 1 ? '' : 's'} (${formatBytes(r.freedBytes)}) and ${r.removedRuns} run-cache entr${r.removedRuns === 1 ? 'y' : 'ies'}; kept ${r.keptObjects} objects and ${r.keptRuns} run-cache entries\n`,
    );
  },
};

export function formatBytes(n: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let u = 0;
  let v = n;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return `${u === 0 ? v : v.toFixed(1)} ${units[u]}`;
}
