/** @module Compares the params or metrics files of a pipeline between two revisions, key by key. */
import { PipeError } from '../errors.js';
import { resolveReference } from '../registry/resolve-reference.js';
import { isWorkspace, type Revision } from '../git/revision.js';
import type { RepoPath } from '../pipeline/pipeline.js';
import { compareFlat, type KeyChange } from './compare-flat.js';
import { flattenValue } from './flatten-value.js';
import { readStructuredFile } from './read-structured-file.js';
import { problem, trackedFilesAtAll, type TrackedKind } from './tracked-files-at.js';

export interface FileChanges {
  readonly path: RepoPath;
  readonly changes: readonly KeyChange[];
}

export interface TrackedDiff {
  readonly a: Revision;
  readonly b: Revision;
  /** Files with at least one row to show, in the order the pipelines declare them. */
  readonly files: readonly FileChanges[];
  /** Files that could not be parsed at a revision (treated as absent there), as sentences. */
  readonly problems: readonly string[];
}

export interface DiffTrackedOptions {
  readonly root: string;
  readonly kind: TrackedKind;
  readonly a: string;
  readonly b: string;
  /** Keep unchanged keys too (by default only changed, added and removed keys are returned). */
  readonly all?: boolean;
}

/**
 * Which files: those declared by the pipeline.yaml of either revision (each revision's own), read
 * at both revisions; a file one revision lacks makes its keys `added` or `removed`. A file that
 * cannot be parsed is absent there (with a problem), except a params file in the workspace: an input error.
 */
export async function diffTrackedFiles({ root, kind, a, b, all = false }: DiffTrackedOptions): Promise<TrackedDiff> {
  // One after the other, so that of two unknown revisions the first is the one reported.
  const revA = await resolveReference(root, a);
  const revB = await resolveReference(root, b);
  const problems: string[] = [];
  const paths = await trackedFilesAtAll(root, [revB, revA], kind, problems);
  const flatAt = async (rev: Revision, path: RepoPath) => {
    const file = await readStructuredFile(root, rev, path);
    if (file.state === 'invalid' && kind === 'params' && isWorkspace(rev)) {
      // The workspace's params file is input the user can fix (status and repro refuse it too); a
      // committed revision's is history, and a metrics file is a stage's output: compared as
      // absent, with a warning.
      const at = file.line === undefined ? '' : `:${file.line}:${file.column ?? 1}`;
      const issue = { file: path, message: file.problem ?? file.message, ...(file.line === undefined ? {} : { line: file.line, column: file.column ?? 1 }) };
      throw new PipeError('SPEC_INVALID', `${path}${at}: ${issue.message}`, { issues: [issue] });
    }
    if (file.state === 'invalid') problems.push(problem(path, rev, file));
    return flattenValue(file.state === 'found' ? file.value : undefined, { keyByName: kind === 'metrics' });
  };
  const files = await Promise.all(
    paths.map(async (path) => {
      const [fa, fb] = await Promise.all([flatAt(revA, path), flatAt(revB, path)]);
      return { path, changes: compareFlat(fa, fb).filter((c) => all || c.state !== 'unchanged') };
    }),
  );
  return { a: revA, b: revB, files: files.filter((f) => f.changes.length > 0), problems: [...new Set(problems)] };
}
