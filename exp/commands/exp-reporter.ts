/** @module What an experiment's stages print: one line per stage event, prefixed with the experiment's name (several run at once in a queue). */
import type { Io } from '../../runner/command/index.js';
import { firstReason, type ReproReporter } from '../../runner/index.js';

export function expReporter(io: Io, name: string, { quiet = false }: { quiet?: boolean } = {}): ReproReporter {
  const say = (text: string) => io.out(`[${name}] ${text}\n`);
  return {
    event(e) {
      if (e.kind === 'running') say(`${e.stage}: running because ${firstReason(e.reasons)}`);
      else if (e.kind === 'restored') say(`${e.stage}: restored from run-cache, not run`);
      else if (e.kind === 'failed') say(`${e.stage}: failed: ${e.message}`);
      else if (e.kind === 'blocked') say(`${e.stage}: not run because upstream stage ${e.upstream} failed`);
      else if (e.kind === 'done') say(`${e.stage}: done`);
    },
    note(text) {
      io.err(`[${name}] ${text}\n`);
    },
    line(stage, stream, text) {
      if (quiet) return;
      if (stream === 'stdout') io.out(`[${name}:${stage}] ${text}\n`);
      else io.err(`[${name}:${stage}] ${text}\n`);
    },
  };
}
