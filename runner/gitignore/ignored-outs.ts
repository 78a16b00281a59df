/**
 * @module Warns about metrics and plots files that are meant to be committed (a stage's with
 * cache: false, or a top-level one outside every cached out) but that .gitignore hides from git,
 * naming the ignore line that does it.
 */
import { ignoredPaths } from '../git/ignored-paths.js';
import { ignoringLines } from '../git/ignoring-lines.js';
import { isWithin } from '../fs/repo-path.js';
import type { Pipeline } from '../pipeline/pipeline.js';

/** One warning line per such file: `git add -A` would silently leave it out, and the next clone would lack it. */
export async function ignoredOutWarnings(root: string, pipeline: Pick<Pipeline, 'stages' | 'metrics' | 'plots'>): Promise<string[]> {
  const outs = pipeline.stages.flatMap((s) => s.outs.map((o) => ({ ...o, stage: s.name })));
  const committed: { path: string; kind: 'metrics' | 'plots'; why: string }[] = outs
    .filter((o) => !o.cache && o.kind !== 'out')
    .map((o) => ({ path: o.path, kind: o.kind === 'metric' ? 'metrics' : 'plots', why: `stage ${o.stage}, cache: false` }));
  // Top-level files a stage does not cache (dvclive's eval/metrics.json inside a cached `eval` is meant to be ignored).
  const topLevel = [
    ...(pipeline.metrics ?? []).map((path) => ({ path, kind: 'metrics' as const })),
    ...(pipeline.plots ?? []).flatMap((p) => p.sources.map((s) => ({ path: s.path, kind: 'plots' as const }))),
  ];
  for (const t of topLevel) {
    if (committed.some((c) => c.path === t.path) || outs.some((o) => o.cache && isWithin(t.path, o.path))) continue;
    committed.push({ ...t, why: 'top-level, not in a cached out' });
  }
  const ignored = new Set(await ignoredPaths(root, committed.map((o) => o.path)));
  const hidden = committed.filter((o) => ignored.has(o.path));
  const lines = await ignoringLines(root, hidden.map((o) => o.path));
  return hidden.map((o) => {
    const line = lines.get(o.path);
    const by = line ? ` (${line})` : '';
    const fix = line ? 'remove or narrow that line' : `remove the .gitignore line that matches it (git check-ignore -v ${o.path})`;
    return `${o.kind} file ${o.path} (${o.why}) is ignored by git${by}, so it will not be committed: ${fix}, or declare it with cache: true`;
  });
}
