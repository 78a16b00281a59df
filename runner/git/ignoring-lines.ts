/**
 * @module Which line of which ignore file makes git ignore a path, as `git check-ignore -v` says
 * (isomorphic-git answers only yes or no). Asked only about paths already known to be ignored,
 * so a repository with nothing ignored never starts git.
 */
import { execFile } from 'node:child_process';

/** `.gitignore:3: *.json` for each path git ignores; none when git cannot be run. */
export async function ignoringLines(root: string, paths: readonly string[]): Promise<Map<string, string>> {
  const found = new Map<string, string>();
  if (paths.length === 0) return found;
  const stdout = await new Promise<string>((resolve) => {
    // Exit 1 means "none ignored": the output is what matters, an error leaves it empty.
    const child = execFile('git', ['check-ignore', '-v', '-z', '--stdin', '--no-index'], { cwd: root, encoding: 'utf8' }, (_err, out) => resolve(typeof out === 'string' ? out : ''));
    child.stdin?.on('error', () => {}); // git missing: the callback says so
    child.stdin?.end(paths.map((p) => `${p}\0`).join(''));
  });
  const fields = stdout.split('\0');
  for (let i = 0; i + 3 < fields.length; i += 4) {
    const [source, line, pattern, path] = fields.slice(i, i + 4) as [string, string, string, string];
    // A pattern starting with '!' re-includes the path: git prints it, but it is not ignored.
    if (source && !pattern.startsWith('!')) found.set(path, `${source}:${line}: ${pattern}`);
  }
  return found;
}
