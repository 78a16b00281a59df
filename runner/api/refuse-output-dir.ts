/** @module Refuses an output directory (-o DIR of `pipe model get`, `pipe serve build`) that would replace or write into the repository's own files. */
import { realpathSync } from 'node:fs';
import { basename, dirname, join, relative, resolve, sep } from 'node:path';
import { PipeError } from '../errors.js';
import { toRepoPath } from '../fs/repo-path.js';
import { WorkspaceGuard } from '../fs/workspace-guard.js';
import type { Lock } from '../lockfile/lock.js';

/**
 * Refuses an output directory (`dest`, absolute) that a command would replace or write into:
 * one that holds the repository at `root` (itself or an ancestor: --force would replace it), or
 * lies in its .git/ or .pipe/ — judged where it really leads (`/elsewhere/link/refs` with link →
 * the repository is `.git/refs`). Given `lock` (the repository's data.lock), also one that is,
 * lies in or holds a path it tracks: a stage's out or `pipe add`ed data.
 */
export function refuseOutputDir({ root: rootArg, dest: given, command, byDefault = false, lock }: { root: string; dest: string; command: string; byDefault?: boolean; lock?: Lock }): void {
  const root = realpathSync.native(resolve(rootArg));
  const dest = realPathOf(given);
  const shown = dest === given ? given : `${given} (through a symlink, ${dest})`;
  if (dest === root || root.startsWith(`${dest}${sep}`)) {
    throw new PipeError('USAGE', `${command}: ${shown} holds the repository; choose another directory with -o DIR`, { command, flag: '-o' });
  }
  if (dest.startsWith(`${root}${sep}`)) {
    const rel = toRepoPath(relative(root, dest).split(sep).join('/'));
    if (!rel.ok) {
      // Without -o the destination is the current directory's: say so, rather than name a flag nobody gave.
      const named = byDefault ? `${shown} (where it goes without -o: the current directory)` : `-o ${shown}`;
      throw new PipeError('PATH_INVALID', `${command}: ${named} ${rel.reason}${byDefault ? '; run it from another directory or choose one with -o DIR' : ''}`, { path: given, reason: 'output' });
    }
    new WorkspaceGuard(root).parentOf(rel.path);
  }
  if (lock) refuseTracked({ lock, places: [[root, dest], [resolve(rootArg), resolve(given)]], shown, command });
}

/**
 * A tracked path at `dest`, above it or below it: --force would replace what the pipeline
 * produced or tracks (the very model being built from, say). Judged where `dest` leads and as
 * written, since a tracked path may itself be a link.
 */
function refuseTracked({ lock, places, shown, command }: { lock: Lock; places: readonly (readonly [string, string])[]; shown: string; command: string }): void {
  const tracked = [...Object.entries(lock.stages).flatMap(([stage, s]) => s.outs.map((o) => [o.path, `an out of stage ${stage}`] as const)), ...Object.keys(lock.data).map((p) => [p, 'data added with pipe add'] as const)];
  for (const [root, dest] of places) {
    for (const [path, what] of tracked) {
      const at = join(root, path);
      const how = dest === at ? 'is' : dest.startsWith(`${at}${sep}`) ? 'is inside' : at.startsWith(`${dest}${sep}`) ? 'holds' : undefined;
      if (how) throw new PipeError('USAGE', `${command}: -o ${shown} ${how} ${path}, which data.lock tracks (${what}); choose another directory with -o DIR`, { command, flag: '-o' });
    }
  }
}

/**
 * `p` with the symlinks of its existing part resolved: the real path of its deepest existing
 * ancestor, then the components that do not exist yet. A symlink outside the repository that leads
 * into it (into .git/, say) is then judged by where it leads.
 */
function realPathOf(p: string): string {
  const rest: string[] = [];
  for (let at = p; ; ) {
    try {
      return join(realpathSync.native(at), ...rest);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      const parent = dirname(at);
      if ((code !== 'ENOENT' && code !== 'ENOTDIR') || parent === at) throw err;
      rest.unshift(basename(at));
      at = parent;
    }
  }
}
