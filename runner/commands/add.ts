/** @module `pipe add`: track raw data in the cache and data.lock. */
import { add as runAdd } from '../api/add.js';
import { PipeError } from '../errors.js';
import { findRoot } from '../repo/find-root.js';
import type { Command } from '../command/command.js';
import { seconds } from '../command/parse-args.js';

export const add: Command = {
  name: 'add',
  usage: 'pipe add PATH… [--wait SECONDS]',
  summary: 'track raw data (a file or directory no stage produces) in the cache and data.lock',
  description: `
Hashes each PATH, moves its content into the cache (.pipe/cache, no byte copied when links
work) and links it back, records it under 'data:' in data.lock and adds it to .gitignore.
Commit data.lock; 'pipe push' sends the data to a remote. Stages can depend on added data;
'pipe status' reports added data that changed, and adding it again records the new version.
A path that is (or overlaps) a stage's out cannot be added: 'pipe repro' tracks those.`,
  options: {
    wait: { type: 'string', valueName: 'SECONDS', help: 'how long to wait for another pipe run in this repository (default 60)' },
  },
  positionals: true,
  async run({ values, positionals, io }) {
    if (positionals.length === 0) throw new PipeError('USAGE', "pipe add needs at least one PATH; see 'pipe help add'", { command: 'add' });
    const results = await runAdd({
      root: findRoot(io.cwd),
      cwd: io.cwd,
      paths: positionals,
      waitSeconds: seconds('add', '--wait', values.wait as string | undefined, 60),
    });
    for (const r of results) {
      const files = r.nfiles === undefined ? '' : `, ${r.nfiles} files`;
      io.out(`${r.change} ${r.path} (${r.hash.slice(0, 19)}…, ${r.size} bytes${files})\n`);
    }
  },
};
