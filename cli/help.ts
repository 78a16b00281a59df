/** @module Help texts, all generated from the command definitions: the overview, each command's usage, options and description. */
import type { Command } from '../runner/command/command.js';
import { COMMANDS } from './commands.js';

/** The one-line usage of a command: `pipe remote add [--default] [--endpoint URL] … NAME URL`. */
export function usageLine(cmd: Command, path: readonly string[]): string {
  const words = ['pipe', ...path];
  if (cmd.subcommands.length && !cmd.run) return `${words.join(' ')} ${cmd.subcommands.map((s) => s.name).join('|')} …`;
  for (const p of cmd.positionals) words.push(p.required ? p.valueName : `[${p.valueName}]`);
  for (const [long, o] of Object.entries(cmd.options)) {
    const flag = o.short ? `-${o.short}` : `--${long}`;
    words.push(`[${flag}${o.type === 'string' ? ` ${o.valueName ?? 'VALUE'}` : ''}]${o.multiple ? '…' : ''}`);
  }
  return words.join(' ');
}

export function overviewText(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length), 'help CMD'.length);
  return [
    'pipe — a Git-native, declarative ML pipeline runner',
    '',
    'Usage: pipe <command> [options]',
    '',
    'Commands:',
    ...COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    `  ${'help CMD'.padEnd(width)}  explain a command`,
    '',
    'Options: --version, --help. Exit codes: 0 success, 1 the work failed, 2 the input is wrong.',
    'Docs: README.md and docs/ in the pipe repository.',
    '',
  ].join('\n');
}

/** `pipe help remote add`, `pipe remote add --help`. */
export function helpText(cmd: Command, path: readonly string[]): string {
  const summary = `${cmd.summary.charAt(0).toUpperCase()}${cmd.summary.slice(1)}.`;
  const lines = [`Usage: ${usageLine(cmd, path)}`, '', summary, ''];
  if (cmd.description) lines.push(cmd.description, '');
  if (cmd.subcommands.length && !cmd.run) {
    const w = Math.max(...cmd.subcommands.map((s) => s.name.length));
    lines.push('Subcommands:', ...cmd.subcommands.map((s) => `  ${s.name.padEnd(w)}  ${s.summary}`), '');
    lines.push(`Run 'pipe help ${path.join(' ')} SUBCOMMAND' for a subcommand's options.`, '');
    return lines.join('\n');
  }
  const flags = Object.entries(cmd.options).map(([long, o]) => {
    const value = o.type === 'string' ? ` ${o.valueName ?? 'VALUE'}` : '';
    return [`${o.short ? `-${o.short}, ` : '    '}--${long}${value}`, o.help] as const;
  });
  flags.push(['-h, --help', 'show this help']);
  const w = Math.max(...flags.map(([f]) => f.length));
  lines.push('Options:', ...flags.map(([f, h]) => `  ${f.padEnd(w)}  ${h}`), '');
  if (cmd.subcommands.length) {
    const sw = Math.max(...cmd.subcommands.map((s) => s.name.length));
    lines.push('Subcommands:', ...cmd.subcommands.map((s) => `  ${s.name.padEnd(sw)}  ${s.summary}`), '');
    lines.push(`Run 'pipe help ${path.join(' ')} SUBCOMMAND' for a subcommand's options.`, '');
  }
  return lines.join('\n');
}
