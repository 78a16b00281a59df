/** @module `pipe fetch`: download what data.lock references and the cache lacks. */
import type { FetchSummary } from '../api/remote/fetch.js';
import { defineCommand } from '../command/command.js';
import { positiveInt, seconds as secondsFlag } from '../command/parse-args.js';
import { isPipeError } from '../errors.js';
import { findRoot } from '../repo/find-root.js';
import { notOnRemoteLine } from './not-on-remote.js';
import { remoteOption, targetsArg, transferJobsOption, waitOption } from './shared-options.js';
import { count, formatBytes, objects, progressBar, seconds } from './transfer-progress.js';

export const fetch = defineCommand({
  name: 'fetch',
  description: `
Downloads into .pipe/cache every object that data.lock's cached outs and tracked data need
and the cache does not have, and the run-cache entries that made them; the workspace is not
touched ('pipe pull' also checks out). TARGET is a stage name or a path. Each object is hashed
as it arrives and stored under its name only when it matches; one that does not is rejected,
named, and never stored. An interrupted fetch leaves only complete objects behind and resumes
on the next run.`,
  options: { remote: remoteOption('fetch from'), jobs: transferJobsOption, wait: waitOption },
  positionals: [targetsArg],
  async run({ options, args, io }) {
    const { fetch: runFetch } = await import('../api/remote/fetch.js');
    const bar = progressBar();
    try {
      const s = await runFetch({
        root: findRoot(io.cwd),
        cwd: io.cwd,
        targets: args.targets,
        remote: options.remote,
        jobs: options.jobs === undefined ? undefined : positiveInt('fetch', '--jobs', options.jobs, 1),
        waitSeconds: secondsFlag('fetch', '--wait', options.wait, 60),
        command: io.commandLine,
        onProgress: bar.onProgress,
      });
      bar.end();
      io.out(fetchLine(s));
    } catch (err) {
      bar.end();
      if (isPipeError(err) && 'summary' in err) io.out(fetchLine((err as unknown as { summary: FetchSummary }).summary));
      throw err;
    }
  },
});

export function fetchLine(s: FetchSummary): string {
  const runs = s.runs ? ` and ${count(s.runs)} run-cache entr${s.runs === 1 ? 'y' : 'ies'}` : '';
  return `fetched ${objects(s.fetched)} (${formatBytes(s.bytes)})${runs} from ${s.remote} in ${seconds(s.ms)}; ${count(s.cached)} already in the cache\n${notOnRemoteLine(s.notOnRemote)}`;
}
