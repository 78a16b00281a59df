/** @module The `pipe` entry point: finds the command (and subcommand) typed, parses its arguments, and alone turns errors into messages and exit codes. */
import type { Command, Io } from '../runner/command/command.js';
import { EXIT_CODES, PipeError, isPipeError } from '../runner/errors.js';
import { pipeVersion } from '../runner/command/package-name.js';

export async function main(argv: readonly string[], io: Io): Promise<number> {
  const [first, ...rest] = argv;
  try {
    if (first === '--version' || first === '-V' || first === 'version') {
      io.out(`${pipeVersion()}\n`);
      return 0;
    }
    // Everything else needs the command table: loaded after --version, which then reads two small modules.
    const { helpText, overviewText } = await import('./help.js');
    if (first === undefined || first === '-h' || first === '--help') {
      io.out(overviewText());
      return first === undefined ? 2 : 0;
    }
    if (first === 'help') {
      if (rest.length === 0) {
        io.out(overviewText());
        return 0;
      }
      const { cmd, path } = await findCommand(rest, 'help');
      io.out(helpText(cmd, path));
      return 0;
    }
    const { cmd, path, args } = await findCommand(argv, 'run');
    if (args.includes('--help') || args.includes('-h') || (cmd.subcommands.length && args.length === 0 && !cmd.run)) {
      if (!args.includes('--help') && !args.includes('-h')) {
        throw new PipeError('USAGE', `pipe ${path.join(' ')} needs a subcommand: ${cmd.subcommands.map((s) => s.name).join(', ')}; see 'pipe help ${path.join(' ')}'`, { command: path.join(' ') });
      }
      io.out(helpText(cmd, path));
      return 0;
    }
    const { parseCommandArgs } = await import('../runner/command/parse-args.js');
    const { options, args: positionals } = parseCommandArgs(cmd, path.join(' '), args);
    return (await cmd.run?.({ options, args: positionals, io })) ?? 0;
  } catch (err) {
    if (isPipeError(err)) {
      io.err(`error: ${err.message}\n`);
      const { ERROR_KINDS } = await import('./commands.js');
      return EXIT_CODES[ERROR_KINDS[err.code] ?? 'failed'];
    }
    const e = err as Error;
    io.err(`internal error: ${e?.stack ?? String(err)}\nThis is a bug in pipe; please report it with the command you ran.\n`);
    return 1;
  }
}

/** The command named by the leading words of `argv` (`remote add …`), the words that named it, and the arguments after them. */
async function findCommand(argv: readonly string[], purpose: 'run' | 'help'): Promise<{ cmd: Command; path: string[]; args: string[] }> {
  const [{ COMMANDS, loadCommand }, { closestName }] = await Promise.all([import('./commands.js'), import('../runner/command/index.js')]);
  const [name, ...rest] = argv;
  const entry = COMMANDS.find((c) => c.name === name);
  if (!entry || name === undefined) {
    const what = purpose === 'help' ? `no help for '${name}': there is no such command` : `unknown command '${name}'`;
    const guess = name === undefined ? undefined : closestName(name, COMMANDS.map((c) => c.name));
    const next = guess === undefined ? "run 'pipe help' to list the commands" : `did you mean 'pipe ${purpose === 'help' ? 'help ' : ''}${guess}'?`;
    throw new PipeError('USAGE', `${what}; ${next}`, { command: name ?? '' });
  }
  let cmd = await loadCommand(entry);
  const path = [name];
  let args = rest;
  while (cmd.subcommands.length && args.length && !args[0]?.startsWith('-')) {
    const sub: string = args[0] as string;
    const next: Command | undefined = cmd.subcommands.find((s) => s.name === sub);
    // A command that runs itself takes any other first word as its own positional (`pipe serve ./build`).
    if (!next && cmd.run) break;
    if (!next) {
      const names = cmd.subcommands.map((s) => s.name);
      const guess = closestName(sub, names);
      const next = guess === undefined ? `(one of ${names.join(', ')}); see 'pipe help ${path.join(' ')}'` : `; did you mean 'pipe ${path.join(' ')} ${guess}'?`;
      throw new PipeError('USAGE', `unknown subcommand '${sub}' of pipe ${path.join(' ')}${guess === undefined ? ' ' : ''}${next}`, { command: path.join(' ') });
    }
    cmd = next;
    path.push(sub);
    args = args.slice(1);
  }
  return { cmd, path, args };
}

/** The real process streams; colour only on a terminal, never with NO_COLOR or TERM=dumb. */
export function processIo(argv: readonly string[] = process.argv.slice(2)): Io {
  return {
    out: (t) => process.stdout.write(t),
    err: (t) => process.stderr.write(t),
    color: Boolean(process.stdout.isTTY) && !('NO_COLOR' in process.env) && process.env.TERM !== 'dumb',
    cwd: process.cwd(),
    commandLine: ['pipe', ...argv].join(' '),
  };
}
