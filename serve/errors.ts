/** @module The error codes of serve/ (`pipe serve`), added to the runner's PipeError, and what each means for the exit code. */
import type { ErrorKind } from '../runner/command/index.js';

interface ServeErrorCodes {
  /** The model to serve cannot be found or fetched: no such directory, reference or revision, or not in the workspace (exit 2). */
  SERVE_MODEL_UNAVAILABLE: { reference: string };
  /** The model package is there but cannot be served: a part is missing or the parts disagree (exit 2). */
  SERVE_MODEL_INVALID: { dir: string; file: string };
  /** The server could not listen (port in use, host not local…) (exit 1). */
  SERVE_LISTEN_FAILED: { host: string; port: number };
  /** `pipe serve build` could not write the service (its output exists, the server bundle is missing, a write failed) (exit 1; an output in the way is exit 2 via USAGE). */
  SERVE_BUILD_FAILED: { out: string };
}

declare module '../runner/errors.js' {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type -- declaration merging adds the codes
  interface PipeErrorCodes extends ServeErrorCodes {}
}

export const serveErrorKinds: { readonly [C in keyof ServeErrorCodes]: ErrorKind } = {
  SERVE_MODEL_UNAVAILABLE: 'input',
  SERVE_MODEL_INVALID: 'input',
  SERVE_LISTEN_FAILED: 'failed',
  SERVE_BUILD_FAILED: 'failed',
};
