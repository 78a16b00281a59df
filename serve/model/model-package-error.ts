/** @module The error of a model package that cannot be used: it names the file and what is wrong with it. */
import { join } from 'node:path';

export interface ModelPackageErrorData {
  /** The package directory, as the caller gave it. */
  readonly dir: string;
  /** The file inside it that is missing or wrong. */
  readonly file: string;
  readonly problem: string;
}

export class ModelPackageError extends Error {
  override name = 'ModelPackageError';
  readonly code = 'MODEL_PACKAGE_INVALID';

  constructor(
    readonly data: ModelPackageErrorData,
    options?: ErrorOptions,
  ) {
    super(`${join(data.dir, data.file)}: ${data.problem}. Train the model again, or restore the package (pipe checkout).`, options);
  }
}

/**
 * What a ModelPackageError means to whoever asked for `what` (`churn@v1.2.0`), when the package
 * was written from the cache to a temporary directory (removed by now): the version's own files
 * are broken, so neither training again nor a checkout of the workspace mends it.
 */
export function versionPackageMessage(error: ModelPackageError, what: string): string {
  return `${what}: its ${error.data.file} (as recorded in the cache): ${error.data.problem}. That version cannot be served; serve or assign another (pipe model show lists them)`;
}
