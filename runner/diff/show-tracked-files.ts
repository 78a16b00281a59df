/** @module The values of the metrics (or params) files at one or more revisions, side by side. */
import type { Revision } from '../git/revision.js';
import type { RepoPath } from '../pipeline/pipeline.js';
import { flattenWithLists } from './flatten-value.js';
import { parseMetricRef } from './metric-ref.js';
import { readStructuredFile } from './read-structured-file.js';
import { declaredAtAll, problem, type TrackedKind } from './tracked-files-at.js';

export interface ShownKey {
  readonly key: string;
  /** One value per revision, in the order of `revisions`; undefined where that revision lacks the key or file. */
  readonly values: readonly unknown[];
  /** The outermost list of mappings the key is inside (`checks` for `checks[rows].value`): per-entry detail, folded when long. */
  readonly list?: string;
  /** A `gates:` rule names it. */
  readonly gated?: boolean;
}

export interface ShownList {
  readonly key: string;
  /** Its length at each revision; undefined where the revision lacks it. */
  readonly sizes: readonly (number | undefined)[];
}

export interface TrackedTable {
  readonly revisions: readonly Revision[];
  /** Files that hold at least one key at some revision. */
  readonly files: readonly { readonly path: RepoPath; readonly keys: readonly ShownKey[]; readonly lists: readonly ShownList[] }[];
  readonly problems: readonly string[];
}

/** The files of `kind` declared at any of `revs`, with every key and its value at each revision (metrics' lists keyed by name). */
export async function showTrackedFiles({ root, kind, revs }: { root: string; kind: TrackedKind; revs: readonly Revision[] }): Promise<TrackedTable> {
  const problems: string[] = [];
  const { paths, gated } = await declaredAtAll(root, revs, kind, problems);
  const files = await Promise.all(
    paths.map(async (path) => {
      const flats = await Promise.all(
        revs.map(async (rev) => {
          const file = await readStructuredFile(root, rev, path);
          if (file.state === 'invalid') problems.push(problem(path, rev, file));
          return flattenWithLists(file.state === 'found' ? file.value : undefined, { keyByName: kind === 'metrics' });
        }),
      );
      const listKeys = [...new Set(flats.flatMap((f) => [...f.lists.keys()]))];
      // Outermost first: a list inside a list entry belongs to the outer one.
      const outer = listKeys.filter((l) => !listKeys.some((o) => o !== l && inside(l, o)));
      const gatedKeys = new Set(gated.map((g) => parseMetricRef(g, paths)).filter((r) => r.file === undefined || r.file === path).map((r) => r.key));
      const keys = [...new Set(flats.flatMap((f) => [...f.values.keys()]))].map((key): ShownKey => {
        const list = outer.find((l) => inside(key, l));
        return { key, values: flats.map((f) => f.values.get(key)), ...(list === undefined ? {} : { list }), ...(gatedKeys.has(key) ? { gated: true } : {}) };
      });
      return { path, keys, lists: outer.map((key) => ({ key, sizes: flats.map((f) => f.lists.get(key)) })) };
    }),
  );
  return { revisions: revs, files: files.filter((f) => f.keys.length > 0), problems: [...new Set(problems)] };
}

function inside(key: string, list: string): boolean {
  return list === '' || key.startsWith(`${list}.`) || key.startsWith(`${list}[`);
}

