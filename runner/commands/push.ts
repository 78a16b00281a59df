/** @module `pipe push`: upload what data.lock references and the remote lacks. */
import { push as runPush, type PushSummary } from '../api/remote/push.js';
import { isPipeError } from '../errors.js';
import { findRoot } from '../repo/find-root.js';
import type { Command, Io } from '../command/command.js';
import { positiveInt } from '../command/parse-args.js';
import { count, formatBytes, objects, progressBar, seconds } from './transfer-progress.js';

export const push: Command = {
  name: 'push',
  usage: 'pipe push [TARGET…] [-r NAME] [-j N]',
  summary: 'upload the objects data.lock references (and their run-cache entries) that the remote lacks',
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
  options: {
    remote: { type: 'string', short: 'r', valueName: 'NAME', help: 'the remote to push to (default: the default remote)' },
    jobs: { type: 'string', short: 'j', valueName: 'N', help: 'transfers at once (default: 16 for S3; 64 for a directory, copied by 4 threads)' },
  },
  positionals: true,
  async run({ values, positionals, io }) {
    const bar = progressBar();
    try {
      const s = await runPush({
        root: findRoot(io.cwd),
        cwd: io.cwd,
        targets: positionals,
        remote: values.remote as string | undefined,
        jobs: values.jobs === undefined ? undefined : positiveInt('push', '--jobs', values.jobs as string, 1),
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
};

function report(io: Io, s: PushSummary): void {
  io.out(pushLine(s));
}

export function pushLine(s: PushSummary): string {
  const runs = s.runsUploaded ? ` and ${count(s.runsUploaded)} run-cache entr${s.runsUploaded === 1 ? 'y' : 'ies'}` : '';
  const repaired = s.repaired ? `; ${count(s.repaired)} partial cop${s.repaired === 1 ? 'y' : 'ies'} on the remote replaced` : '';
  return `pushed ${objects(s.uploaded)} (${formatBytes(s.bytes)})${runs} to ${s.remote} in ${seconds(s.ms)}; ${count(s.present)} already there${repaired}\n`;
}
