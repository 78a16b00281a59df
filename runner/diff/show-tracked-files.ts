/** @module The values of the metrics (or params) files at one or more revisions, side by side. */
import type { Revision } from '../git/revision.js';
import type { RepoPath } from '../pipeline/pipeline.js';
import { flattenValue } from './flatten-value.js';
import { readStructuredFile } from './read-structured-file.js';
import { problem, trackedFilesAtAll, type TrackedKind } from './tracked-files-at.js';

export interface ShownKey {
  readonly key: string;
  /** One value per revision, in the order of `revisions`; undefined where that revision lacks the key or file. */
  readonly values: readonly unknown[];
}

export interface TrackedTable {
  readonly revisions: readonly Revision[];
  /** Files that hold at least one key at some revision. */
  readonly files: readonly { readonly path: RepoPath; readonly keys: readonly ShownKey[] }[];
  readonly problems: readonly string[];
}

/** The files of `kind` declared at any of `revs`, with every key and its value at each revision. */
export async function showTrackedFiles({ root, kind, revs }: { root: string; kind: TrackedKind; revs: readonly Revision[] }): Promise<TrackedTable> {
  const problems: string[] = [];
  const paths = await trackedFilesAtAll(root, revs, kind, problems);
  const files = await Promise.all(
    paths.map(async (path) => {
      const flats = await Promise.all(
        revs.map(async (rev) => {
          const file = await readStructuredFile(root, rev, path);
          if (file.state === 'invalid') problems.push(problem(path, rev, file));
          return flattenValue(file.state === 'found' ? file.value : undefined);
        }),
      );
      const keys = [...new Set(flats.flatMap((f) => [...f.keys()]))];
      return { path, keys: keys.map((key) => ({ key, values: flats.map((f) => f.get(key)) })) };
    }),
  );
  return { revisions: revs, files: files.filter((f) => f.keys.length > 0), problems: [...new Set(problems)] };
}
