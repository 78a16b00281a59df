/** @module Compares every key of the params files the pipeline reads between two revisions (default: HEAD and the workspace). */
import { diffTrackedFiles, type TrackedDiff } from '../../diff/diff-tracked-files.js';
import { WORKSPACE } from '../../git/revision.js';

export interface RevisionDiffOptions {
  readonly root: string;
  /** Default HEAD. */
  readonly a?: string;
  /** Default the workspace. */
  readonly b?: string;
  /** Also return unchanged keys. */
  readonly all?: boolean;
}

export function paramsDiff({ root, a = 'HEAD', b = WORKSPACE, all = false }: RevisionDiffOptions): Promise<TrackedDiff> {
  return diffTrackedFiles({ root, kind: 'params', a, b, all });
}
