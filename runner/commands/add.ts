/** @module `pipe add`: track raw data in the cache and data.lock. */
import { resolve } from 'node:path';
import { defineCommand } from '../command/command.js';
import { seconds } from '../command/parse-args.js';
import { findRoot } from '../repo/find-root.js';
import { waitOption } from './shared-options.js';

export const add = defineCommand({
  name: 'add',
  description: `
Hashes each PATH, moves its content into the cache (.pipe/cache, no byte copied when links
work) and links it back, records it under 'data:' in data.lock and adds it to .gitignore.
Commit data.lock; 'pipe push' sends the data to a remote. Stages can depend on added data;
'pipe status' reports added data that changed, and adding it again records the new version.
A path that is (or overlaps) a stage's out cannot be added: 'pipe repro' tracks those.`,
  options: { wait: waitOption },
  positionals: [{ name: 'paths', valueName: 'PATH…', variadic: true, required: true }],
  async run({ options, args, io }) {
    const api = import('../api/add.js');
    // A directory is likely many files: the hashing threads start before the operation's modules
    // have loaded, not after (a thread takes ~100 ms to start here, the modules ~40 ms to load).
    (await import('../workers/pool.js')).warmPoolForDirectories(args.paths.map((p) => resolve(io.cwd, p)));
    const { add: runAdd } = await api;
    const results = await runAdd({
      root: findRoot(io.cwd, { orGitTop: true }),
      cwd: io.cwd,
      paths: args.paths,
      waitSeconds: seconds('add', '--wait', options.wait, 60),
    });
    for (const r of results) {
      const files = r.nfiles === undefined ? '' : `, ${r.nfiles} files`;
      io.out(`${r.change} ${r.path} (${r.hash.slice(0, 19)}…, ${r.size} bytes${files})\n`);
    }
  },
});

