/** @module Parses a command's arguments with node:util, turning mistakes into usage errors (exit 2). */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { PipeError } from '../errors.js';
import type { Command, RunArgs } from './command.js';

export function parseCommandArgs(cmd: Command, argv: readonly string[]): Omit<RunArgs, 'io'> {
  const options: NonNullable<ParseArgsConfig['options']> = {};
  for (const [name, spec] of Object.entries(cmd.options)) {
    options[name] = { type: spec.type, ...(spec.short ? { short: spec.short } : {}), ...(spec.multiple ? { multiple: true } : {}) };
  }
  try {
    const { values, positionals } = parseArgs({ args: [...argv], options, allowPositionals: cmd.positionals, strict: true });
    return { values: values as RunArgs['values'], positionals };
  } catch (err) {
    const msg = (err as Error).message.replace(/\. To specify a positional argument.*$/s, '');
    throw new PipeError('USAGE', `${msg} (pipe ${cmd.name}); see 'pipe help ${cmd.name}'`, { command: cmd.name }, { cause: err });
  }
}

/** A positive whole number from a flag value, or a usage error naming the flag. */
export function positiveInt(cmd: string, flag: string, raw: string | undefined, fallback: number): number {
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1) {
    throw new PipeError('USAGE', `${flag} expects a whole number of at least 1, got '${raw}' (pipe ${cmd})`, { command: cmd, flag });
  }
  return n;
}

/** A non-negative number of seconds from a flag value. */
export function seconds(cmd: string, flag: string, raw: string | undefined, fallback: number): number {
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!Number.isFinite(n) || n < 0) {
    throw new PipeError('USAGE', `${flag} expects a number of seconds (0 or more), got '${raw}' (pipe ${cmd})`, { command: cmd, flag });
  }
  return n;
}
