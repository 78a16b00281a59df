/** @module The error codes of reports/ (gate, plots, GitHub), added to the runner's PipeError, and what each means for the exit code. */
import type { ErrorKind } from '../runner/command/index.js';

interface ReportErrorCodes {
  /** One or more promotion rules of `gates:` failed, or a metrics file they read is stale (exit 1). */
  GATE_FAILED: { failed: readonly string[] };
  /** A plot could not be rendered (its data is not a table, a field it names is missing, …). */
  PLOT_FAILED: { path: string; revision?: string };
  /** A plots entry names a file pipe cannot plot (an image, any binary file): exit 2. */
  PLOT_UNSUPPORTED: { path: string; revision: string; kind: string };
  /** The GitHub API refused or could not be reached; the message says what to fix. */
  GITHUB_FAILED: { status?: number; request?: string };
}

declare module '../runner/errors.js' {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type -- declaration merging adds the codes
  interface PipeErrorCodes extends ReportErrorCodes {}
}

export const reportErrorKinds: { readonly [C in keyof ReportErrorCodes]: ErrorKind } = {
  GATE_FAILED: 'failed',
  PLOT_FAILED: 'failed',
  PLOT_UNSUPPORTED: 'input',
  GITHUB_FAILED: 'failed',
};
