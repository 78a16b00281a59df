/** @module The `pipe` entry point: dispatches to a command, and alone turns errors into messages and exit codes. */
import { isPipeError, PipeError } from '../runner/errors.js';
import type { Io } from '../runner/command/command.js';
import { COMMANDS } from './commands.js';
import { helpText, overviewText } from './help.js';
import { parseCommandArgs } from '../runner/command/parse-args.js';
import { readVersion } from './version.js';

export async function main(argv: readonly string[], io: Io): Promise<number> {
  const [name, ...rest] = argv;
  try {
    if (name === undefined || name === '-h' || name === '--help') {
      io.out(overviewText());
      return name === undefined ? 2 : 0;
    }
    if (name === '--version' || name === '-V' || name === 'version') {
      io.out(`${readVersion()}\n`);
      return 0;
    }
    if (name === 'help') {
      const topic = rest[0];
      if (topic === undefined) {
        io.out(overviewText());
        return 0;
      }
      io.out(await helpText(topic));
      return 0;
    }
    const entry = COMMANDS[name];
    if (!entry) {
      throw new PipeError('USAGE', `unknown command '${name}'; run 'pipe help' to list the commands`, { command: name });
    }
    const cmd = await entry.load();
    if (rest.includes('--help') || rest.includes('-h')) {
      io.out(await helpText(name));
      return 0;
    }
    const parsed = parseCommandArgs(cmd, rest);
    return (await cmd.run({ ...parsed, io })) ?? 0;
  } catch (err) {
    if (isPipeError(err)) {
      io.err(`error: ${err.message}\n`);
      return err.exitCode;
    }
    const e = err as Error;
    io.err(`internal error: ${e?.stack ?? String(err)}\nThis is a bug in pipe; please report it with the command you ran.\n`);
    return 1;
  }
}

/** The real process streams; colour only on a terminal, never with NO_COLOR or TERM=dumb. */
export function processIo(): Io {
  return {
    out: (t) => process.stdout.write(t),
    err: (t) => process.stderr.write(t),
    color: Boolean(process.stdout.isTTY) && !('NO_COLOR' in process.env) && process.env.TERM !== 'dumb',
    cwd: process.cwd(),
  };
}
