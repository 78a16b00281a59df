/** @module A model package that cannot be used, as the error of `pipe serve`, `serve build` and `serve monitoring` (SERVE_MODEL_INVALID: exit 2 at start, the old model kept on a reload). */
import { PipeError } from '../runner/command/index.js';
import { ModelPackageError, versionPackageMessage } from './model/index.js';
import type { ServedModel } from './resolve-model.js';

/**
 * `error` as SERVE_MODEL_INVALID when it is a ModelPackageError (anything else unchanged). For a
 * version written to a temporary directory, the message names the version, not the directory
 * (gone by the time anyone reads it), and does not advise training again or a checkout.
 */
export function packageInvalid(error: unknown, served?: ServedModel): unknown {
  if (!(error instanceof ModelPackageError)) return error;
  const what = served?.fetched ? (served.version ? `${served.name}@${served.version}` : `${served.path ?? served.name} at ${served.commit?.slice(0, 7) ?? 'its commit'}`) : undefined;
  return new PipeError('SERVE_MODEL_INVALID', what ? versionPackageMessage(error, what) : error.message, { dir: error.data.dir, file: error.data.file }, { cause: error });
}
