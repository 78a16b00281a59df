/** @module Fills a new directory beside the target, then swaps it in: readers see the old output or the new one, never half of each. */
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { PipeError } from '../../runner/index.js';

/**
 * `fill` writes into a temporary directory next to `dir` (same filesystem); `dir` is then replaced
 * by it. An existing `dir` is replaced only when it is empty or holds an index.html carrying
 * a `<meta name="generator">` naming `marker`, so `-o src` cannot wipe a directory of sources.
 */
export async function replaceDirectory(dir: string, marker: string, fill: (tmp: string) => Promise<void>): Promise<void> {
  refuseForeign(dir, marker);
  const parent = dirname(dir);
  mkdirSync(parent, { recursive: true });
  const tmp = mkdtempSync(join(parent, `.${basename(dir)}.tmp-`));
  try {
    // mkdtemp makes it private (0700); the output is as readable as any directory mkdir makes.
    chmodSync(tmp, 0o777 & ~process.umask());
    await fill(tmp);
    if (existsSync(dir)) {
      const old = `${tmp}.old`;
      renameSync(dir, old);
      renameSync(tmp, dir);
      rmSync(old, { recursive: true, force: true });
    } else {
      renameSync(tmp, dir);
    }
  } catch (err) {
    rmSync(tmp, { recursive: true, force: true });
    throw err;
  }
}

function refuseForeign(dir: string, marker: string): void {
  if (!existsSync(dir)) return;
  const refuse = (why: string) =>
    new PipeError('PATH_INVALID', `will not write plots to ${dir}: ${why}; choose another directory with -o, or remove it`, { path: dir, reason: why });
  if (!statSync(dir).isDirectory()) throw refuse('it is a file');
  if (readdirSync(dir).length === 0) return;
  const index = join(dir, 'index.html');
  const ours = existsSync(index) && readFileSync(index, 'utf8').includes(`<meta name="generator" content="${marker}">`);
  if (!ours) throw refuse('it holds files that pipe did not write');
}
