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
  let tmp: string;
  try {
    mkdirSync(parent, { recursive: true });
    tmp = mkdtempSync(join(parent, `.${basename(dir)}.tmp-`));
  } catch (err) {
    throw cannotWrite(dir, err);
  }
  try {
    // mkdtemp makes it private (0700); the output is as readable as any directory mkdir makes.
    chmodSync(tmp, 0o777 & ~process.umask());
    await fill(tmp);
    swapIn(tmp, dir);
  } catch (err) {
    rmSync(tmp, { recursive: true, force: true });
    throw err instanceof PipeError ? err : cannotWrite(dir, err);
  }
}

/** Moves the old directory aside, the new one in; another run that swapped first only makes the old one vanish early. */
function swapIn(tmp: string, dir: string): void {
  const old = `${tmp}.old`;
  try {
    renameSync(dir, old);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  renameSync(tmp, dir);
  rmSync(old, { recursive: true, force: true });
}

function cannotWrite(dir: string, err: unknown): PipeError<'PATH_INVALID'> {
  const reason = (err as NodeJS.ErrnoException).code ?? String(err);
  return new PipeError('PATH_INVALID', `cannot write plots to ${dir}: ${(err as Error).message ?? reason}; choose another directory with -o`, { path: dir, reason }, { cause: err });
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
