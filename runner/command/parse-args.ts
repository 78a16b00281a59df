/** @module Parses a command's arguments with node:util into the typed values its run receives, turning mistakes into usage errors (exit 2). */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { PipeError } from '../errors.js';
import { didYouMean } from '../text/did-you-mean.js';
import type { Command, OptionSpecs, ParsedRunContext, PositionalSpec } from './command.js';

export type ParsedArgs = Omit<ParsedRunContext, 'io'>;

/** `path` is the command as typed after `pipe` (`remote add`), for messages. */
export function parseCommandArgs(cmd: Command, path: string, argv: readonly string[]): ParsedArgs {
  const usage = (message: string, flag?: string, cause?: unknown) =>
    new PipeError('USAGE', `${message} (pipe ${path}); see 'pipe help ${path}'`, { command: path, ...(flag ? { flag } : {}) }, { cause });
  const config: NonNullable<ParseArgsConfig['options']> = {};
  for (const [name, spec] of Object.entries(cmd.options)) {
    config[name] = { type: spec.type, ...(spec.short ? { short: spec.short } : {}), ...(spec.multiple ? { multiple: true } : {}) };
  }
  let parsed: { values: Record<string, unknown>; positionals: string[] };
  try {
    parsed = parseArgs({ args: [...argv], options: config, allowPositionals: cmd.positionals.length > 0, strict: true });
  } catch (err) {
    const message = (err as Error).message.replace(/\. To specify a positional argument.*$/s, '');
    const typed = /^Unknown option '(--[^']+)'/.exec(message)?.[1];
    const hint = typed ? didYouMean(typed, [...Object.keys(cmd.options).map((o) => `--${o}`), '--help']) : '';
    throw usage(`${message}${hint}`, undefined, err);
  }
  return { options: optionValues(cmd.options, parsed.values), args: positionalValues(cmd.positionals, parsed.positionals, usage) };
}

function optionValues(specs: OptionSpecs, raw: Record<string, unknown>): ParsedArgs['options'] {
  const values: Record<string, string | boolean | string[] | undefined> = {};
  for (const [name, spec] of Object.entries(specs)) {
    const v = raw[name];
    values[name] = spec.type === 'boolean' ? v === true : spec.multiple ? ((v as string[] | undefined) ?? []) : (v as string | undefined);
  }
  return values;
}

function positionalValues(specs: readonly PositionalSpec[], given: readonly string[], usage: (m: string) => PipeError): ParsedArgs['args'] {
  const values: Record<string, string | string[] | undefined> = {};
  let i = 0;
  for (const spec of specs) {
    if (spec.variadic) {
      values[spec.name] = given.slice(i);
      if (spec.required && i >= given.length) throw usage(`at least one ${spec.valueName.replace(/…$/, '')} is needed`);
      i = given.length;
      continue;
    }
    if (i >= given.length && spec.required) {
      const missing = specs.slice(specs.indexOf(spec)).filter((s) => s.required).map((s) => s.valueName);
      throw usage(`${missing.join(' and ')} ${missing.length === 1 ? 'is' : 'are'} missing`);
    }
    values[spec.name] = given[i++];
  }
  if (i < given.length) {
    const takes = specs.length ? `takes ${specs.map((s) => (s.required ? s.valueName : `[${s.valueName}]`)).join(' ')}` : 'takes no arguments';
    throw usage(`unexpected argument '${given[i]}': it ${takes}`);
  }
  return values;
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
