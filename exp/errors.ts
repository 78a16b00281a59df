/** @module The error codes of exp/ (`pipe exp`, `pipe queue`), added to the runner's PipeError, and what each means for the exit code. */
import type { ErrorKind } from '../runner/command/index.js';

interface ExpErrorCodes {
  /** A `-S [file:]key=value` that cannot be applied: malformed, an unknown params file or key (exit 2). */
  EXP_SET_INVALID: { set: string; file?: string; key?: string };
  /** An experiment of that name exists for this baseline (exit 2; --force replaces it). */
  EXP_EXISTS: { name: string; ref: string };
  /** A name that is no experiment (or names several, of different baselines) (exit 2). */
  EXP_UNKNOWN: { name: string; candidates: readonly string[] };
  /** git refused an operation on the experiment's refs or worktree (exit 1). */
  EXP_GIT_FAILED: { command: string; stderr: string };
  /** `pipe exp apply` would overwrite uncommitted changes (exit 2; --force overwrites them). */
  EXP_DIRTY: { paths: readonly string[] };
}

declare module '../runner/errors.js' {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type -- declaration merging adds the codes
  interface PipeErrorCodes extends ExpErrorCodes {}
}

export const expErrorKinds: { readonly [C in keyof ExpErrorCodes]: ErrorKind } = {
  EXP_SET_INVALID: 'input',
  EXP_EXISTS: 'input',
  EXP_UNKNOWN: 'input',
  EXP_GIT_FAILED: 'failed',
  EXP_DIRTY: 'input',
};
