/** @module The one error type of pipe: a stable code, structured data, a message that says what to do. */

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

interface ErrorData {
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
    reason: 'unreachable' | 'bucket-missing' | 'access-denied' | 'not-found' | 'objects-missing' | 'objects-corrupt' | 'failed';
    objects?: readonly string[];
  };
  /** One or more promotion rules of `gates:` failed (exit 1). */
  GATE_FAILED: { failed: readonly string[] };
  /** A plot could not be rendered (its data is not a table, a field it names is missing, …). */
  PLOT_FAILED: { path: string; revision?: string };
  /** The GitHub API refused or could not be reached; the message says what to fix. */
  GITHUB_FAILED: { status?: number; request?: string };
}

export type PipeErrorCode = keyof ErrorData;

/** Codes that mean "the input is wrong" (exit 2); all others mean "the work failed" (exit 1). */
const INPUT_ERRORS: ReadonlySet<PipeErrorCode> = new Set<PipeErrorCode>([
  'SPEC_INVALID',
  'NO_PIPELINE',
  'USAGE',
  'STAGE_UNKNOWN',
  'DAG_CYCLE',
  'DAG_INVALID',
  'LOCK_INVALID',
  'PATH_INVALID',
  'REVISION_UNKNOWN',
]);

export class PipeError<C extends PipeErrorCode = PipeErrorCode> extends Error {
  readonly code: C;
  readonly data: ErrorData[C];

  constructor(code: C, message: string, data: ErrorData[C], options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'PipeError';
    this.code = code;
    this.data = data;
  }

  /** The process exit code this error maps to (DESIGN.md: 2 input, 1 work failed; 130 after Ctrl-C, as shells expect). */
  get exitCode(): 1 | 2 | 130 {
    if (this.code === 'INTERRUPTED') return 130;
    return INPUT_ERRORS.has(this.code) ? 2 : 1;
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
