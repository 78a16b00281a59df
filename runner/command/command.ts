/**
 * @module What a CLI command is: data (name, summary, options, positional arguments, subcommands)
 * plus a run function that receives them typed. Usage lines, `pipe help` and the command
 * reference in docs/commands.md are all generated from this data, so they cannot disagree.
 */

export interface OptionSpec {
  readonly type: 'boolean' | 'string';
  readonly short?: string;
  /** A string option given several times (`--target a --target b`). */
  readonly multiple?: boolean;
  /** Shown by `pipe help CMD`, e.g. `-j, --jobs N  run N stages at once`. */
  readonly help: string;
  /** The value's name in usage and help (`--jobs N`); VALUE when unset. */
  readonly valueName?: string;
}

export interface PositionalSpec {
  /** The key under which the run function finds the value. */
  readonly name: string;
  /** How usage and help show it: `STAGE`, `NAME`, `URL`. */
  readonly valueName: string;
  readonly required?: boolean;
  /** Takes every remaining argument (only the last positional may). */
  readonly variadic?: boolean;
}

export type OptionSpecs = Readonly<Record<string, OptionSpec>>;

type OptionValue<S extends OptionSpec> = S['type'] extends 'boolean' ? boolean : S['multiple'] extends true ? string[] : string | undefined;

/** Parsed options: booleans are false when absent, repeated strings an empty list, other strings undefined. */
export type OptionValues<O extends OptionSpecs> = { readonly [K in keyof O]: OptionValue<O[K]> };

type PositionalValue<S extends PositionalSpec> = S['variadic'] extends true ? string[] : S['required'] extends true ? string : string | undefined;

export type PositionalValues<P extends readonly PositionalSpec[]> = { readonly [S in P[number] as S['name']]: PositionalValue<S> };

export interface Io {
  readonly out: (text: string) => void;
  readonly err: (text: string) => void;
  /** Colour and progress only on a terminal and never with NO_COLOR. */
  readonly color: boolean;
  readonly cwd: string;
  /** The command line as typed (`pipe repro -j 2`), for the repository mutex's holder record. */
  readonly commandLine: string;
}

export interface RunContext<O extends OptionSpecs, P extends readonly PositionalSpec[]> {
  readonly options: OptionValues<O>;
  readonly args: PositionalValues<P>;
  readonly io: Io;
}

/** A command as the table, the parser and the help see it (its argument types erased). */
export interface Command {
  readonly name: string;
  /** One line, lower case, no full stop: the overview and the docs show it ('' until the table's entry fills it in). */
  readonly summary: string;
  /** Paragraphs shown by `pipe help CMD` after the usage and summary. */
  readonly description: string;
  readonly options: OptionSpecs;
  readonly positionals: readonly PositionalSpec[];
  /** A group (`pipe remote add|list|…`) has subcommands and no run of its own; a command with a run may have some too (`pipe serve build`). */
  readonly subcommands: readonly Command[];
  /** Returns the exit code (0 when omitted); errors are thrown as PipeError. */
  readonly run?: (ctx: ParsedRunContext) => Promise<number | void>;
}

/** What the parser hands to any command's run (defineCommand's types say which keys hold what). */
export interface ParsedRunContext {
  readonly options: Readonly<Record<string, string | boolean | string[] | undefined>>;
  readonly args: Readonly<Record<string, string | string[] | undefined>>;
  readonly io: Io;
}

/**
 * An entry of the command table: the name and one-line summary `pipe help` lists, and the
 * module with the rest, loaded only when the command runs or its help is asked for (so a
 * command's code costs nothing at start-up). The summary lives here and only here.
 */
export interface CommandEntry {
  readonly name: string;
  readonly summary: string;
  readonly load: () => Promise<Command>;
}

interface CommandSpec<O extends OptionSpecs, P extends readonly PositionalSpec[]> {
  readonly name: string;
  /** A subcommand's summary; a top-level command's comes from its CommandEntry. */
  readonly summary?: string;
  readonly description?: string;
  readonly options?: O;
  readonly positionals?: P;
  /**
   * Subcommands beside the command's own run (`pipe serve build` beside `pipe serve [MODEL]`): a
   * first argument naming one runs it, any other is the command's own positional.
   */
  readonly subcommands?: readonly Command[];
  run(ctx: RunContext<O, P>): Promise<number | void>;
}

/** A command that runs; `options` and `positionals` type what `run` receives. */
export function defineCommand<const O extends OptionSpecs = Record<never, OptionSpec>, const P extends readonly PositionalSpec[] = []>(
  spec: CommandSpec<O, P>,
): Command {
  const positionals = spec.positionals ?? [];
  positionals.forEach((p, i) => {
    if (p.variadic && i !== positionals.length - 1) throw new Error(`command ${spec.name}: only the last positional may be variadic`);
  });
  return {
    name: spec.name,
    summary: spec.summary ?? '',
    description: (spec.description ?? '').trim(),
    options: spec.options ?? {},
    positionals,
    subcommands: spec.subcommands ?? [],
    run: spec.run as Command['run'],
  };
}

/** A command made of subcommands (`pipe remote add`, `pipe model assign`). */
export function defineGroup(spec: { readonly name: string; readonly summary?: string; readonly description?: string; readonly subcommands: readonly Command[] }): Command {
  return { name: spec.name, summary: spec.summary ?? '', description: (spec.description ?? '').trim(), options: {}, positionals: [], subcommands: spec.subcommands };
}
