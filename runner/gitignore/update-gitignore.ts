/** @module Keeps a managed block of cached outs in the root .gitignore, leaving the user's lines alone. */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { realPathInside } from '../fs/real-path-inside.js';
import { writeFileAtomic } from '../fs/write-file-atomic.js';

const BEGIN = '# >>> pipe: cached outs and tracked data (managed by pipe; edits here are overwritten) >>>';
const END = '# <<< pipe <<<';

/** Rewrites the managed block to list exactly `paths` (repository-relative); returns whether it wrote (with `dry`: would write). */
export function updateGitignore({ root, paths, dry = false }: { root: string; paths: readonly string[]; dry?: boolean }): boolean {
  const file = join(root, '.gitignore');
  // A .gitignore that is a symlink out of the repository would have its target's text copied
  // into the repository's own .gitignore (the rename replaces the link): refused.
  realPathInside(root, '.gitignore', 'copy');
  const before = existsSync(file) ? readFileSync(file, 'utf8') : '';
  const lines = before.split('\n');
  if (lines.at(-1) === '') lines.pop();
  const start = lines.indexOf(BEGIN);
  const end = start >= 0 ? lines.indexOf(END, start) : -1;
  const user = start >= 0 && end > start ? [...lines.slice(0, start), ...lines.slice(end + 1)] : lines;
  const userSet = new Set(user.map((l) => l.trim()));
  const entries = [...new Set(paths)]
    .sort()
    .map((p) => `/${p.replace(/([*?[\]!#\\ ])/g, '\\$1')}`)
    // A path the user already ignores by hand is not repeated.
    .filter((e) => !userSet.has(e) && !userSet.has(`${e}/`));
  const block = entries.length ? [BEGIN, ...entries, END] : [];
  const at = start >= 0 && end > start ? start : user.length;
  const next = [...user.slice(0, at), ...block, ...user.slice(at)];
  const text = next.length ? `${next.join('\n')}\n` : '';
  if (text === before) return false;
  if (!dry) writeFileAtomic(file, text);
  return true;
}

/** Adds the managed block, empty, when the root .gitignore has none yet (`pipe init`); returns whether it wrote. */
export function ensureGitignoreBlock({ root }: { root: string }): boolean {
  const file = join(root, '.gitignore');
  realPathInside(root, '.gitignore', 'copy');
  const before = existsSync(file) ? readFileSync(file, 'utf8') : '';
  if (before.split('\n').includes(BEGIN)) return false;
  writeFileAtomic(file, `${before}${before === '' || before.endsWith('\n') ? '' : '\n'}${BEGIN}\n${END}\n`);
  return true;
}
