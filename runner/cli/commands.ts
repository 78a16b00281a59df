/** @module The command table: summaries for `pipe help`, modules loaded only when a command runs. */
import type { Command } from './command.js';

interface Entry {
  readonly summary: string;
  readonly load: () => Promise<Command>;
}

export const COMMANDS: Readonly<Record<string, Entry>> = {
  repro: {
    summary: 'run the stages whose inputs changed, in dependency order',
    load: async () => (await import('./commands/repro.js')).repro,
  },
  status: {
    summary: 'show which stages are out of date and why',
    load: async () => (await import('./commands/status.js')).status,
  },
  dag: {
    summary: 'print the stage graph (text, --mermaid, --dot, --json)',
    load: async () => (await import('./commands/dag.js')).dag,
  },
};
