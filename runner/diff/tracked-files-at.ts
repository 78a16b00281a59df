/** @module The params or metrics files a revision's own pipeline declares, and the readings of files that went wrong. */
import type { StructuredFile } from './read-structured-file.js';
import { isWorkspace, type Revision } from '../git/revision.js';
import type { RepoPath } from '../pipeline/pipeline.js';
import { pipelineAt } from '../pipeline/pipeline-at.js';

export type TrackedKind = 'params' | 'metrics';

/** The files of `kind` that the pipeline at `rev` declares; none when it is absent or unreadable (noted in `problems`). */
export async function trackedFilesAt(root: string, rev: Revision, kind: TrackedKind, problems: string[]): Promise<readonly RepoPath[]> {
  const p = await pipelineAt(root, rev);
  if (p.state === 'found') return p.declared[kind];
  if (p.state === 'invalid') problems.push(p.problem);
  return [];
}

/** The files of `kind` declared at any of `revs`, each once, in the order the revisions declare them. */
export async function trackedFilesAtAll(root: string, revs: readonly Revision[], kind: TrackedKind, problems: string[]): Promise<RepoPath[]> {
  const lists = await Promise.all(revs.map((rev) => trackedFilesAt(root, rev, kind, problems)));
  return [...new Set(lists.flat())];
}

/** What went wrong reading `path` at `rev`, for a warning line: the file is then treated as absent there. */
export function problem(path: string, rev: Revision, file: Extract<StructuredFile, { state: 'invalid' }>): string {
  const where = isWorkspace(rev) ? 'in the workspace' : `at ${rev.name}`;
  return `${path} ${where} cannot be read as JSON or YAML (${file.message}); shown as absent`;
}
