/**
 * @module The one error type of pipe: a stable code, structured data, a message that says what to
 * do. The runner's codes are declared here; reports/ and serve/ add theirs to PipeErrorCodes by
 * declaration merging, and each package tells cli/ which of its codes mean "the input is wrong".
 */

/** One problem found in an input file, located as precisely as we can. */
export interface SpecIssue {
  readonly file: string;
  readonly line?: number;
  readonly column?: number;
  /** Dotted path of the offending key, e.g. `stages.train.outs[1]`. */
  readonly key?: string;
  readonly message: string;
}

/** A path checkout would overwrite: the hash of what the workspace holds there, or why it cannot be read. */
export type UnsavedPath = { readonly path: string; readonly locked: string } & (
  | { readonly workspace: string; readonly unreadable?: never }
  | { readonly workspace?: never; readonly unreadable: string }
);

/** Code → the structured data an error of that code carries. Other packages extend it (`declare module`). */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type -- merged into by reports/ and serve/
export interface PipeErrorCodes extends RunnerErrorCodes {}

interface RunnerErrorCodes {
  SPEC_INVALID: { issues: readonly SpecIssue[] };
  NO_PIPELINE: { cwd: string };
  USAGE: { command?: string; flag?: string };
  STAGE_UNKNOWN: { stages: readonly string[]; known: readonly string[] };
  DAG_CYCLE: { cycle: readonly string[] };
  DAG_INVALID: { problems: readonly string[] };
  LOCK_INVALID: { file: string; line?: number; column?: number };
  STAGE_FAILED: { stage: string; failed: readonly string[]; exitCode?: number; signal?: string; stderrTail?: string };
  DEP_MISSING: { stage: string; path: string };
  OUT_MISSING: { stage: string; paths: readonly string[] };
  HASH_FAILED: { path: string };
  CACHE_MISS: { missing: readonly { path: string; objects: readonly string[] }[] };
  /** checkout would replace workspace content that the cache does not hold (exit 1; --force discards it). */
  WORKSPACE_MODIFIED: { paths: readonly UnsavedPath[] };
  PATH_INVALID: { path: string; reason: string };
  MUTEX_BUSY: { pid: number; command: string; waitedSeconds: number };
  INTERRUPTED: { signal: string };
  INTERNAL: Record<string, never>;
  /** A revision git cannot resolve here (or no git repository around the pipe root). */
  REVISION_UNKNOWN: { revision: string; reason: string };
  /** The git repository could not be read (a corrupt or unsupported object store). */
  GIT_READ_FAILED: { revision?: string; path?: string };
  /** No remote configured (or none of that name): the message says how to add one. */
  REMOTE_MISSING: { name?: string; known: readonly string[] };
  /** A remote could not be used, or gave objects that are missing or do not match their names. */
  REMOTE_FAILED: {
    remote: string;
    reason: 'unreachable' | 'bucket-missing' | 'access-denied' | 'full' | 'not-found' | 'objects-missing' | 'objects-corrupt' | 'failed';
    objects?: readonly string[];
  };
  /** The local cache refused a write (full, read-only, not permitted); nothing was left half-written. */
  CACHE_WRITE_FAILED: { path: string; errno: string };
  /** `pipe init` outside a git work tree. */
  NO_GIT_REPO: { cwd: string };
  /** `pipe init` would overwrite these files (without --force or --skip-existing). */
  INIT_FILES_EXIST: { files: readonly string[] };
  /** Files written outside the cache and the workspace's outs (`pipe model get -o DIR`) could not be written; nothing was left half-written. */
  OUTPUT_WRITE_FAILED: { path: string; errno: string };
}

export type PipeErrorCode = keyof PipeErrorCodes;

/** What an error means for the exit code (README, docs/commands.md): 2 the input is wrong, 1 the work failed, 130 after Ctrl-C (as shells expect). */
export type ErrorKind = 'input' | 'failed' | 'interrupted';

export const EXIT_CODES: Readonly<Record<ErrorKind, number>> = { input: 2, failed: 1, interrupted: 130 };

/** The kind of each of the runner's codes; cli/ joins it with the other packages' tables. */
export const runnerErrorKinds: { readonly [C in keyof RunnerErrorCodes]: ErrorKind } = {
  SPEC_INVALID: 'input',
  NO_PIPELINE: 'input',
  USAGE: 'input',
  STAGE_UNKNOWN: 'input',
  DAG_CYCLE: 'input',
  DAG_INVALID: 'input',
  LOCK_INVALID: 'input',
  STAGE_FAILED: 'failed',
  DEP_MISSING: 'failed',
  OUT_MISSING: 'failed',
  HASH_FAILED: 'failed',
  CACHE_MISS: 'failed',
  WORKSPACE_MODIFIED: 'failed',
  PATH_INVALID: 'input',
  MUTEX_BUSY: 'failed',
  INTERRUPTED: 'interrupted',
  INTERNAL: 'failed',
  REVISION_UNKNOWN: 'input',
  GIT_READ_FAILED: 'failed',
  REMOTE_MISSING: 'failed',
  REMOTE_FAILED: 'failed',
  CACHE_WRITE_FAILED: 'failed',
  NO_GIT_REPO: 'input',
  INIT_FILES_EXIST: 'input',
  OUTPUT_WRITE_FAILED: 'failed',
};

export class PipeError<C extends PipeErrorCode = PipeErrorCode> extends Error {
  readonly code: C;
  readonly data: PipeErrorCodes[C];

  constructor(code: C, message: string, data: PipeErrorCodes[C], options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'PipeError';
    this.code = code;
    this.data = data;
  }
}

export function isPipeError<C extends PipeErrorCode>(err: unknown, code?: C): err is PipeError<C> {
  return err instanceof PipeError && (code === undefined || err.code === code);
}

/** Formats spec issues as `file:line:column: key: message`, one per line. */
export function formatIssues(issues: readonly SpecIssue[]): string {
  return issues
    .map((i) => {
      const where = i.line === undefined ? i.file : `${i.file}:${i.line}:${i.column ?? 1}`;
      return i.key ? `${where}: ${i.key}: ${i.message}` : `${where}: ${i.message}`;
    })
    .join('\n');
}
