/** @module The error codes of registry/ (the `pipe model` commands), added to the runner's PipeError, and what each means for the exit code. */
import type { ErrorKind } from '../runner/command/index.js';

interface RegistryErrorCodes {
  /** A model reference (an artifact, a version, a stage) names nothing in the registry (exit 2). */
  MODEL_UNKNOWN: { reference: string };
}

declare module '../runner/errors.js' {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type -- declaration merging adds the codes
  interface PipeErrorCodes extends RegistryErrorCodes {}
}

export const registryErrorKinds: { readonly [C in keyof RegistryErrorCodes]: ErrorKind } = {
  MODEL_UNKNOWN: 'input',
};
