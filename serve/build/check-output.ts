/**
 * @module Where `pipe serve build -o DIR` may write, checked before the model is resolved: never
 * the repository or an ancestor of it, nor inside its .git/ or .pipe/, nor a path its data.lock
 * tracks, inside one or holding one; never below a file (mkdir cannot go through it); an existing
 * non-empty DIR only with --force. A refusal is exit 2.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { PipeError } from '../../runner/command/index.js';

const refuse = (message: string) => new PipeError('USAGE', `${message} (pipe serve build)`, { command: 'serve build', flag: '--out' });

/** `out` is absolute; `outArg` is -o as given, for messages. */
export async function checkOutput({ cwd, out, outArg, force }: { cwd: string; out: string; outArg: string; force: boolean }): Promise<void> {
  // Never the repository or an ancestor (--force would move it aside and remove it), nor its .git/ or .pipe/, symlinks followed.
  const { findRoot, isPipeError, readLock, refuseOutputDir } = await import('../../runner/index.js');
  let root: string | undefined;
  try {
    root = findRoot(cwd, { orGitTop: true });
  } catch (error) {
    if (!isPipeError(error, 'NO_PIPELINE')) throw error;
  }
  // Nor a path data.lock tracks, or one holding or inside it: `-o models/churn --force` would replace the model it is built from.
  if (root !== undefined) refuseOutputDir({ root, dest: out, command: 'pipe serve build', lock: await readLock({ root }) });
  const file = fileAbove(out);
  if (file !== undefined) throw refuse(`-o ${outArg} cannot be made: ${join(outArg, relative(out, file))} is a file, not a directory; choose another -o DIR`);
  if (existsSync(out) && (!statSync(out).isDirectory() || readdirSync(out).length > 0) && !force) {
    throw refuse(`${outArg} exists and is not an empty directory; choose another -o DIR or pass --force to replace it`);
  }
}

/** The nearest existing ancestor of `out` when it is not a directory (a file, or a link to one). */
function fileAbove(out: string): string | undefined {
  for (let at = dirname(out); ; at = dirname(at)) {
    try {
      return statSync(at).isDirectory() ? undefined : at;
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if ((code !== 'ENOENT' && code !== 'ENOTDIR') || dirname(at) === at) throw error;
    }
  }
}
