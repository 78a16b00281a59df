/** @module The params or metrics files a revision's own pipeline declares, and the readings of files that went wrong. */
import type { StructuredFile } from './read-structured-file.js';
import { isWorkspace, type Revision } from '../git/revision.js';
import type { RepoPath } from '../pipeline/pipeline.js';
import { pipelineAt } from '../pipeline/pipeline-at.js';
import type { TrackedFiles } from '../pipeline/tracked-files.js';

export type TrackedKind = 'params' | 'metrics';

/** What the pipeline at `rev` declares; nothing when it is absent or unreadable (noted in `problems`). */
export async function declaredAt(root: string, rev: Revision, problems: string[]): Promise<TrackedFiles | undefined> {
  const p = await pipelineAt(root, rev);
  if (p.state === 'found') return p.declared;
  if (p.state === 'invalid') problems.push(p.problem);
  return undefined;
}

/** The files of `kind` declared at any of `revs`, each once, in the order the revisions declare them. */
export async function trackedFilesAtAll(root: string, revs: readonly Revision[], kind: TrackedKind, problems: string[]): Promise<RepoPath[]> {
  return (await declaredAtAll(root, revs, kind, problems)).paths;
}

/** As trackedFilesAtAll, with the metrics the `gates:` rules of any of `revs` name (each pipeline file is read once). */
export async function declaredAtAll(root: string, revs: readonly Revision[], kind: TrackedKind, problems: string[]): Promise<{ paths: RepoPath[]; gated: string[] }> {
  const declared = await Promise.all(revs.map((rev) => declaredAt(root, rev, problems)));
  return { paths: [...new Set(declared.flatMap((d) => d?.[kind] ?? []))], gated: [...new Set(declared.flatMap((d) => d?.gated ?? []))] };
}

/** What went wrong reading `path` at `rev`, for a warning line: the file is then treated as absent there. */
export function problem(path: string, rev: Revision, file: Extract<StructuredFile, { state: 'invalid' }>): string {
  const where = isWorkspace(rev) ? 'in the workspace' : `at ${rev.name}`;
  return `${path} ${where} cannot be read as JSON or YAML (${file.message}); shown as absent`;
}
