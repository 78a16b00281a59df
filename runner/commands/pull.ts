/** @module `pipe pull`: fetch, then checkout. */
import type { CheckoutSummary } from '../api/checkout.js';
import type { PullSummary } from '../api/remote/pull.js';
import { defineCommand, type Io } from '../command/command.js';
import { positiveInt, seconds as secondsFlag } from '../command/parse-args.js';
import { isPipeError } from '../errors.js';
import { findRoot } from '../repo/find-root.js';
import { fetchLine } from './fetch.js';
import { remoteOption, targetsArg, transferJobsOption, waitOption } from './shared-options.js';
import { progressBar } from './transfer-progress.js';

export const pull = defineCommand({
  name: 'pull',
  description: `
'pipe fetch' followed by 'pipe checkout': downloads the objects data.lock references that the
cache lacks (each verified against its name before it is stored), with the run-cache entries
that made them, then links the outs and tracked data into the workspace. After a pull,
'pipe repro' runs nothing that was computed where the data came from. TARGET is a stage name
or a path. When the remote lacks some objects, everything complete is still checked out and
the missing ones are named (exit 1). Workspace changes the cache does not hold are not
overwritten without --force (see 'pipe help checkout').`,
  options: {
    remote: remoteOption('pull from'),
    jobs: transferJobsOption,
    relink: { type: 'boolean', help: 're-create every link with the current cache.type, even where the content matches' },
    force: { type: 'boolean', short: 'f', help: 'overwrite workspace changes that are not in the cache (they are lost)' },
    wait: waitOption,
  },
  positionals: [targetsArg],
  async run({ options, args, io }) {
    const { pull: runPull } = await import('../api/remote/pull.js');
    const bar = progressBar();
    try {
      const s = await runPull({
        root: findRoot(io.cwd),
        cwd: io.cwd,
        targets: args.targets,
        remote: options.remote,
        jobs: options.jobs === undefined ? undefined : positiveInt('pull', '--jobs', options.jobs, 1),
        relink: options.relink,
        force: options.force,
        waitSeconds: secondsFlag('pull', '--wait', options.wait, 60),
        command: io.commandLine,
        onProgress: bar.onProgress,
      });
      bar.end();
      report(io, s);
    } catch (err) {
      bar.end();
      if (isPipeError(err) && 'summary' in err) {
        const s = (err as unknown as { summary: PullSummary | PullSummary['fetch'] }).summary;
        if ('checkout' in s) report(io, s);
        else io.out(fetchLine(s));
      }
      throw err;
    }
  },
});

function report(io: Io, s: PullSummary): void {
  io.out(fetchLine(s.fetch));
  io.out(checkoutLine(s.checkout));
  for (const p of s.checkout.keptModified) io.err(`kept ${p}: no longer in data.lock, but modified since pipe placed it\n`);
}

function checkoutLine(c: CheckoutSummary): string {
  const how = c.linkTypes.length ? ` (${c.linkTypes.join(', ')})` : '';
  return `${c.linked.length} linked${how}, ${c.unchanged.length} unchanged, ${c.removed.length} removed\n`;
}
