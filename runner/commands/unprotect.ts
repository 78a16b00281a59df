/** @module `pipe unprotect`: make linked outs editable by replacing links with copies. */
import { defineCommand } from '../command/command.js';
import { PipeError } from '../errors.js';
import { toRepoPath } from '../fs/repo-path.js';
import { WorkspaceGuard } from '../fs/workspace-guard.js';
import { findRoot } from '../repo/find-root.js';

export const unprotect = defineCommand({
  name: 'unprotect',
  description: `
Cached outs linked from the cache are read-only, so that editing them cannot change what the
cache holds. unprotect replaces each linked file under PATH by a writable copy of its own.
The next 'pipe repro' or 'pipe add' stores whatever the file then contains.`,
  positionals: [{ name: 'paths', valueName: 'PATH…', variadic: true, required: true }],
  async run({ args, io }) {
    const [{ relativeTo }, { unprotect: unprotectPath }] = await Promise.all([import('../api/checkout.js'), import('../cache/unprotect.js')]);
    const root = findRoot(io.cwd);
    const guard = new WorkspaceGuard(root);
    for (const p of args.paths) {
      const r = toRepoPath(relativeTo(root, io.cwd, p));
      if (!r.ok) throw new PipeError('PATH_INVALID', `cannot unprotect '${p}': the path ${r.reason}`, { path: p, reason: r.reason });
      const n = unprotectPath({ root, path: r.path, guard });
      io.out(`${r.path}: ${n} file${n === 1 ? '' : 's'} made editable\n`);
    }
  },
});
