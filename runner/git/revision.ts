/** @module What a resolved revision is (a commit, or the working tree) and the messages for revisions git cannot read. */
import { PipeError } from '../errors.js';

/** The special revision naming the files in the working tree, as they are now. */
export const WORKSPACE = 'workspace';

/** A revision as the user wrote it, and the commit it names (none for the workspace). */
export interface Revision {
  readonly name: string;
  /** Full commit oid; undefined for the workspace. */
  readonly commit?: string;
  /** When the name was a model reference (`churn#prod`, `churn@latest`): the version it named. */
  readonly model?: { readonly artifact: string; readonly version: string; readonly stage?: string };
}

export function isWorkspace(rev: Revision): boolean {
  return rev.commit === undefined;
}

export function unknownRevision(revision: string, reason: string, cause?: unknown): PipeError<'REVISION_UNKNOWN'> {
  return new PipeError('REVISION_UNKNOWN', `unknown revision '${revision}': ${reason}`, { revision, reason }, { cause });
}

export function gitReadFailed(what: { revision?: string; path?: string }, cause: unknown): PipeError<'GIT_READ_FAILED'> {
  const where = [what.path, what.revision && `at ${what.revision}`].filter(Boolean).join(' ');
  const detail = cause instanceof Error ? cause.message : String(cause);
  return new PipeError(
    'GIT_READ_FAILED',
    `could not read ${where || 'the git repository'}: ${detail}; check the repository with 'git fsck'`,
    what,
    { cause },
  );
}
