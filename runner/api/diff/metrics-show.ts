/** @module The metrics the pipeline declares, at the workspace or at chosen revisions, and optionally at every local branch. */
import { showTrackedFiles, type TrackedTable } from '../../diff/show-tracked-files.js';
import { listBranches } from '../../git/list-revisions.js';
import { resolveReference } from '../../registry/resolve-reference.js';
import { WORKSPACE, type Revision } from '../../git/revision.js';

export interface MetricsShowOptions {
  readonly root: string;
  /** Revisions to show, one column each; default the workspace. */
  readonly revisions?: readonly string[];
  /** Add a column per local branch (after the workspace, or after `revisions`), headed by the branch name. */
  readonly allBranches?: boolean;
}

export async function metricsShow({ root, revisions = [], allBranches = false }: MetricsShowOptions): Promise<TrackedTable> {
  const revs: Revision[] = [];
  const names = new Set<string>();
  for (const name of revisions.length > 0 ? revisions : [WORKSPACE]) {
    if (!names.has(name)) revs.push(await resolveReference(root, name));
    names.add(name);
  }
  if (allBranches) {
    for (const branch of await listBranches(root)) {
      // Resolved as refs/heads/… so a tag (or `workspace`) of the same name cannot stand in for the branch.
      if (!names.has(branch)) revs.push({ ...(await resolveReference(root, `refs/heads/${branch}`)), name: branch });
      names.add(branch);
    }
  }
  return showTrackedFiles({ root, kind: 'metrics', revs });
}
