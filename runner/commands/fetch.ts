/** @module `pipe fetch`: download what data.lock references and the cache lacks. */
import type { FetchSummary } from '../api/remote/fetch.js';
import { fetch as runFetch } from '../api/remote/fetch.js';
import { isPipeError } from '../errors.js';
import { findRoot } from '../repo/find-root.js';
import type { Command } from '../command/command.js';
import { positiveInt, seconds as secondsFlag } from '../command/parse-args.js';
import { count, formatBytes, objects, progressBar, seconds } from './transfer-progress.js';

export const fetch: Command = {
  name: 'fetch',
  usage: 'pipe fetch [TARGET…] [-r NAME] [-j N] [--wait SECONDS]',
  summary: 'download the objects data.lock references that the cache lacks from a remote',
  description: `
Downloads into .pipe/cache every object that data.lock's cached outs and tracked data need
and the cache does not have, and the run-cache entries that made them; the workspace is not
touched ('pipe pull' also checks out). TARGET is a stage name or a path. Each object is hashed
as it arrives and stored under its name only when it matches; one that does not is rejected,
named, and never stored. An interrupted fetch leaves only complete objects behind and resumes
on the next run.`,
  options: {
    remote: { type: 'string', short: 'r', valueName: 'NAME', help: 'the remote to fetch from (default: the default remote)' },
    jobs: { type: 'string', short: 'j', valueName: 'N', help: 'transfers at once (default: 16 for S3; 64 for a directory, copied by 4 threads)' },
    wait: { type: 'string', valueName: 'SECONDS', help: 'how long to wait for another pipe run in this repository (default 60)' },
  },
  positionals: true,
  async run({ values, positionals, io }) {
    const bar = progressBar();
    try {
      const s = await runFetch({
        root: findRoot(io.cwd),
        cwd: io.cwd,
        targets: positionals,
        remote: values.remote as string | undefined,
        jobs: values.jobs === undefined ? undefined : positiveInt('fetch', '--jobs', values.jobs as string, 1),
        waitSeconds: secondsFlag('fetch', '--wait', values.wait as string | undefined, 60),
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
};

export function fetchLine(s: FetchSummary): string {
  const runs = s.runs ? ` and ${count(s.runs)} run-cache entr${s.runs === 1 ? 'y' : 'ies'}` : '';
  return `fetched ${objects(s.fetched)} (${formatBytes(s.bytes)})${runs} from ${s.remote} in ${seconds(s.ms)}; ${count(s.cached)} already in the cache\n`;
}
