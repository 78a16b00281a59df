/** @module `pipe unprotect`: make linked outs editable by replacing links with copies. */
import { join } from 'node:path';
import { relativeTo } from '../api/checkout.js';
import { unprotect as unprotectPath } from '../cache/unprotect.js';
import { PipeError } from '../errors.js';
import { toRepoPath } from '../pipeline/repo-path.js';
import { findRoot } from '../repo/find-root.js';
import type { Command } from '../command/command.js';

export const unprotect: Command = {
  name: 'unprotect',
  usage: 'pipe unprotect PATH…',
  summary: 'make cached outs editable (replace links to the cache by copies)',
  description: `
Cached outs linked from the cache are read-only, so that editing them cannot change what the
cache holds. unprotect replaces each linked file under PATH by a writable copy of its own.
The next 'pipe repro' or 'pipe add' stores whatever the file then contains.`,
  options: {},
  positionals: true,
  async run({ positionals, io }) {
    if (positionals.length === 0) throw new PipeError('USAGE', "pipe unprotect needs at least one PATH; see 'pipe help unprotect'", { command: 'unprotect' });
    const root = findRoot(io.cwd);
    for (const p of positionals) {
      const r = toRepoPath(relativeTo(root, io.cwd, p));
      if (!r.ok) throw new PipeError('PATH_INVALID', `cannot unprotect '${p}': the path ${r.reason}`, { path: p, reason: r.reason });
      const n = unprotectPath(join(root, r.path));
      io.out(`${r.path}: ${n} file${n === 1 ? '' : 's'} made editable\n`);
    }
  },
};
