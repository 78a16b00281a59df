/** @module Help texts: the command overview and each command's usage, options and description. */
import { PipeError } from '../runner/errors.js';
import { COMMANDS } from './commands.js';

export function overviewText(): string {
  const width = Math.max(...Object.keys(COMMANDS).map((n) => n.length));
  const rows = Object.entries(COMMANDS).map(([n, e]) => `  ${n.padEnd(width)}  ${e.summary}`);
  return [
    'pipe — a Git-native, declarative ML pipeline runner',
    '',
    'Usage: pipe <command> [options]',
    '',
    'Commands:',
    ...rows,
    '',
    `  ${'help CMD'.padEnd(width)}  explain a command`,
    '',
    'Options: --version, --help. Exit codes: 0 success, 1 the work failed, 2 the input is wrong.',
    'Docs: README.md and docs/ in the pipe repository.',
    '',
  ].join('\n');
}

export async function helpText(name: string): Promise<string> {
  const entry = COMMANDS[name];
  if (!entry) {
    throw new PipeError('USAGE', `no help for '${name}': there is no such command; run 'pipe help' to list them`, { command: name });
  }
  const cmd = await entry.load();
  const flags = Object.entries(cmd.options).map(([long, o]) => {
    const value = o.type === 'string' ? ` ${o.valueName ?? 'VALUE'}` : '';
    return [`${o.short ? `-${o.short}, ` : '    '}--${long}${value}`, o.help] as const;
  });
  flags.push(['-h, --help', 'show this help']);
  const w = Math.max(...flags.map(([f]) => f.length));
  return [
    `Usage: ${cmd.usage}`,
    '',
    cmd.summary.charAt(0).toUpperCase() + cmd.summary.slice(1) + '.',
    '',
    cmd.description.trim(),
    '',
    'Options:',
    ...flags.map(([f, h]) => `  ${f.padEnd(w)}  ${h}`),
    '',
  ].join('\n');
}
