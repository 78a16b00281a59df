/**
 * @module The generated parts of docs/commands.md and the README's command table: usage lines,
 * options and summaries come from the command definitions, so the docs cannot drift from
 * `pipe help`. `npm run docs` rewrites them; cli/command-docs.test.ts fails when they are stale.
 */
import type { Command } from '../runner/command/command.js';
import { loadAllCommands } from './commands.js';
import { usageLine } from './help.js';

const BEGIN = /<!-- BEGIN generated: pipe ([a-z -]+?) -->\n[\s\S]*?<!-- END generated -->/g;

/** Every command that runs, depth first, with the words that name it. */
export function leafCommands(commands: readonly Command[], prefix: readonly string[] = []): { cmd: Command; path: string[] }[] {
  return commands.flatMap((cmd) => [
    ...(cmd.run ? [{ cmd, path: [...prefix, cmd.name] }] : []),
    ...(cmd.subcommands.length ? leafCommands(cmd.subcommands, [...prefix, cmd.name]) : []),
  ]);
}

const cell = (text: string) => text.replace(/\|/g, '\\|');

function optionRows(cmd: Command): string[] {
  return Object.entries(cmd.options).map(([long, o]) => {
    const flag = `${o.short ? `-${o.short}, ` : ''}--${long}${o.type === 'string' ? ` ${o.valueName ?? 'VALUE'}` : ''}`;
    return `\`${flag}\` | ${cell(o.help)}`;
  });
}

/** A subcommand's words in a table; the command's own run (`pipe serve [MODEL]`) is shown as —. */
const subcommandCell = (path: readonly string[]) => (path.length > 1 ? `\`${path.slice(1).join(' ')}\`` : '—');

/** The usage block and options table of `pipe NAME` (each subcommand of a group). */
function commandBlock(commands: readonly Command[], name: string): string {
  const top = commands.find((c) => c.name === name);
  if (!top) throw new Error(`docs name 'pipe ${name}', which is not a command`);
  const leaves = leafCommands([top]);
  const lines = ['```', ...leaves.map(({ cmd, path }) => usageLine(cmd, path)), '```', ''];
  if (top.subcommands.length) {
    lines.push('| subcommand | what it does |', '| --- | --- |', ...leaves.map(({ cmd, path }) => `| ${subcommandCell(path)} | ${cell(cmd.summary)} |`), '');
    const rows = leaves.flatMap(({ cmd, path }) => optionRows(cmd).map((r) => `| ${subcommandCell(path)} | ${r} |`));
    if (rows.length) lines.push('| subcommand | option | meaning |', '| --- | --- | --- |', ...rows, '');
  } else {
    lines.push(`${top.summary.charAt(0).toUpperCase()}${top.summary.slice(1)}.`, '');
    const rows = optionRows(top).map((r) => `| ${r} |`);
    if (rows.length) lines.push('| option | meaning |', '| --- | --- |', ...rows, '');
  }
  return lines.join('\n');
}

/** `text` with every generated block rewritten from the definitions. */
export async function updateGeneratedBlocks(text: string): Promise<string> {
  const commands = await loadAllCommands();
  return text.replace(BEGIN, (_, name: string) => {
    const body = name === 'commands' ? commandTable(commands) : commandBlock(commands, name);
    return `<!-- BEGIN generated: pipe ${name} -->\n${body}<!-- END generated -->`;
  });
}

/** The names of the commands a text has a generated block for. */
export function documentedCommands(text: string): string[] {
  return [...text.matchAll(BEGIN)].map((m) => m[1] as string);
}

/** The README's table: one row per command (per subcommand of a group), with its summary. */
function commandTable(commands: readonly Command[]): string {
  const rows = leafCommands(commands).map(({ cmd, path }) => `| \`pipe ${path.join(' ')}\` | ${cell(cmd.summary)} |`);
  return ['| command | what it does |', '| --- | --- |', ...rows, '| `pipe help [COMMAND]`, `pipe COMMAND --help` | what a command does and its options |', '| `pipe --version` | the version |', ''].join('\n');
}
