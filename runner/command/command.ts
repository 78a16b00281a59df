/** @module What a CLI command is: data (name, usage, options) plus a run function. */

export interface OptionSpec {
  readonly type: 'boolean' | 'string';
  readonly short?: string;
  readonly multiple?: boolean;
  /** Shown by `pipe help CMD`, e.g. `-j, --jobs N  run N stages at once`. */
  readonly help: string;
  readonly valueName?: string;
}

export interface Io {
  readonly out: (text: string) => void;
  readonly err: (text: string) => void;
  /** Colour and progress only on a terminal and never with NO_COLOR. */
  readonly color: boolean;
  readonly cwd: string;
}

export interface RunArgs {
  readonly values: Record<string, string | boolean | string[] | boolean[] | undefined>;
  readonly positionals: readonly string[];
  readonly io: Io;
}

export interface Command {
  readonly name: string;
  readonly usage: string;
  readonly summary: string;
  /** Paragraphs shown by `pipe help CMD` after the usage line. */
  readonly description: string;
  readonly options: Readonly<Record<string, OptionSpec>>;
  /** Whether the command takes positional arguments (targets, revisions). */
  readonly positionals: boolean;
  /** Returns the exit code (0 when omitted); errors are thrown as PipeError. */
  run(args: RunArgs): Promise<number | void>;
}
