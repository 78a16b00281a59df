/** @module What exp/ adds to the command line: `pipe exp` and `pipe queue` (loaded when used) and their error codes. */
import type { CommandEntry } from '../runner/command/index.js';

export { expErrorKinds } from './errors.js';

export const expCommands: readonly CommandEntry[] = [
  { name: 'exp', summary: 'experiments: run the pipeline with changed params (-S) in a temporary worktree; show, diff, apply, branch, remove, push, pull', load: async () => (await import('./commands/exp.js')).exp },
  { name: 'queue', summary: 'the experiment queue: start -j N (run N at once, each in its own worktree), status, remove', load: async () => (await import('./commands/queue.js')).queue },
];
