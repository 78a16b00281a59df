/** @module The command table: every package's commands, and every error code's exit kind, joined here and nowhere below. */
import type { Command, CommandEntry } from '../runner/command/command.js';
import type { ErrorKind, PipeErrorCode } from '../runner/errors.js';
import { expCommands, expErrorKinds } from '../exp/registration.js';
import { registryCommands, registryErrorKinds } from '../registry/registration.js';
import { reportCommands, reportErrorKinds } from '../reports/registration.js';
import { runnerCommands, runnerErrorKinds } from '../runner/registration.js';
import { serveCommands, serveErrorKinds } from '../serve/registration.js';

export const COMMANDS: readonly CommandEntry[] = [...runnerCommands, ...reportCommands, ...registryCommands, ...serveCommands, ...expCommands];

/** Typed as a complete record: a package that adds a code without saying what it means fails to compile here. */
export const ERROR_KINDS: Readonly<Record<PipeErrorCode, ErrorKind>> = { ...runnerErrorKinds, ...reportErrorKinds, ...registryErrorKinds, ...serveErrorKinds, ...expErrorKinds };

/** A command's module, with the summary its table entry holds. */
export async function loadCommand(entry: CommandEntry): Promise<Command> {
  return { ...(await entry.load()), summary: entry.summary };
}

/** Every command, loaded (for the docs and the checks that read them all). */
export async function loadAllCommands(): Promise<Command[]> {
  return Promise.all(COMMANDS.map(loadCommand));
}
