/** @module `pipe push`: upload what data.lock references and the remote lacks. */
import type { PushSummary } from '../api/remote/push.js';
import { defineCommand, type Io } from '../command/command.js';
import { positiveInt } from '../command/parse-args.js';
import { isPipeError } from '../errors.js';
import { findRoot } from '../repo/find-root.js';
import { remoteOption, targetsArg, transferJobsOption } from './shared-options.js';
import { count, formatBytes, objects, progressBar, seconds } from './transfer-progress.js';

export const push = defineCommand({
  name: 'push',
  description: `
Uploads every object that data.lock's cached outs and tracked data need (a directory's
manifest and each of its files) and that the remote does not have yet, then the run-cache
entries that made those results (so 'pipe repro --pull' elsewhere can restore them). TARGET
is a stage name or a path. A directory manifest on the remote vouches for its files (it goes
up only after them); other objects are looked up with one listing (a HEAD each when there are
only a few), so pushing nothing new costs a handful of requests.
Every object is hashed while it is read and sent only if it matches its name; a directory's
manifest goes up after its files, a run-cache entry after its outs. An interrupted push
resumes where it stopped. Configure a remote with 'pipe remote add'.`,
  options: { remote: remoteOption('push to'), jobs: transferJobsOption },
  positionals: [targetsArg],
  async run({ options, args, io }) {
    const { push: runPush } = await import('../api/remote/push.js');
    const bar = progressBar();
    try {
      const s = await runPush({
        root: findRoot(io.cwd),
        cwd: io.cwd,
        targets: args.targets,
        remote: options.remote,
        jobs: options.jobs === undefined ? undefined : positiveInt('push', '--jobs', options.jobs, 1),
        onProgress: bar.onProgress,
      });
      bar.end();
      io.out(pushLine(s));
    } catch (err) {
      bar.end();
      if (isPipeError(err) && 'summary' in err) report(io, (err as unknown as { summary: PushSummary }).summary);
      throw err;
    }
  },
});

function report(io: Io, s: PushSummary): void {
  io.out(pushLine(s));
}

export function pushLine(s: PushSummary): string {
  const runs = s.runsUploaded ? ` and ${count(s.runsUploaded)} run-cache entr${s.runsUploaded === 1 ? 'y' : 'ies'}` : '';
  const repaired = s.repaired ? `; ${count(s.repaired)} partial cop${s.repaired === 1 ? 'y' : 'ies'} on the remote replaced` : '';
  const kept = s.localOnly.length ? `; not pushed (push: false): ${s.localOnly.join(', ')}` : '';
  return `pushed ${objects(s.uploaded)} (${formatBytes(s.bytes)})${runs} to ${s.remote} in ${seconds(s.ms)}; ${count(s.present)} already there${repaired}${kept}\n`;
}
