/** @module Warns about metrics and plots files that are meant to be committed (cache: false) but that .gitignore hides from git. */
import { ignoredPaths } from '../git/ignored-paths.js';
import type { Pipeline } from '../pipeline/pipeline.js';

/** One warning line per such file: `git add -A` would silently leave it out, and the next clone would lack it. */
export async function ignoredOutWarnings(root: string, pipeline: Pick<Pipeline, 'stages'>): Promise<string[]> {
  const committed = pipeline.stages.flatMap((s) => s.outs.filter((o) => !o.cache && o.kind !== 'out').map((o) => ({ path: o.path, kind: o.kind, stage: s.name })));
  const ignored = new Set(await ignoredPaths(root, committed.map((o) => o.path)));
  return committed
    .filter((o) => ignored.has(o.path))
    .map(
      (o) =>
        `${o.kind === 'metric' ? 'metrics' : 'plots'} file ${o.path} (stage ${o.stage}, cache: false) is ignored by git, so it will not be committed: remove the .gitignore line that matches it (git check-ignore -v ${o.path}), or declare it with cache: true`,
    );
}
