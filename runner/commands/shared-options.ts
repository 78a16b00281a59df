/** @module Options several of the engine's commands take, written once so that their help reads the same everywhere. */
import type { OptionSpec } from '../command/command.js';

export const waitOption = {
  type: 'string',
  valueName: 'SECONDS',
  help: 'how long to wait for another pipe run in this repository (default 60)',
} as const satisfies OptionSpec;

export const transferJobsOption = {
  type: 'string',
  short: 'j',
  valueName: 'N',
  help: 'transfers at once (default: 16 for S3; 64 for a directory, copied by 4 threads)',
} as const satisfies OptionSpec;

/** `-r NAME`: `verb` says what the remote is for (`push to`, `fetch from`). */
export function remoteOption(verb: string) {
  return { type: 'string', short: 'r', valueName: 'NAME', help: `the remote to ${verb} (default: the default remote)` } as const satisfies OptionSpec;
}

export const targetsArg = { name: 'targets', valueName: 'TARGET…', variadic: true } as const;
