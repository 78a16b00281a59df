/** @module Compares the metrics files the pipeline declares between two revisions (default: HEAD and the workspace). */
import { diffTrackedFiles, type TrackedDiff } from '../../diff/diff-tracked-files.js';
import { WORKSPACE } from '../../git/revision.js';
import type { RevisionDiffOptions } from './params-diff.js';

export function metricsDiff({ root, a = 'HEAD', b = WORKSPACE, all = false }: RevisionDiffOptions): Promise<TrackedDiff> {
  return diffTrackedFiles({ root, kind: 'metrics', a, b, all });
}
