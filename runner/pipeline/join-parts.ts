/** @module One pipeline of several pipeline files (a dvc.yaml per directory): stages in file order, sections concatenated. */
import type { SpecIssue } from '../errors.js';
import type { Pipeline } from './pipeline.js';

/** What one pipeline file contributes to the pipeline. */
export type Part = Omit<Pipeline, 'root' | 'file' | 'files'> & { readonly params: Map<string, Map<string, unknown>> };

/** One pipeline of the parts of several files (a dvc.yaml per directory): stages in file order, sections concatenated. */
export function joinParts(root: string, files: readonly string[], parts: readonly Part[], issues: SpecIssue[]): Pipeline {
  const file = files[0] ?? 'pipeline.yaml';
  const [first, ...rest] = parts;
  if (!first) return { root, file, stages: [], gates: [], artifacts: [], registryStages: [], params: new Map() };
  if (rest.length === 0) return { root, file, ...first };
  const params = new Map(first.params);
  const artifacts = [...first.artifacts];
  for (const part of rest) {
    for (const [f, values] of part.params) params.set(f, new Map([...(params.get(f) ?? []), ...values]));
    for (const a of part.artifacts) {
      if (artifacts.some((b) => b.name === a.name)) issues.push({ file: files[parts.indexOf(part)] ?? file, key: `artifacts.${a.name}`, message: `artifact '${a.name}' is also declared in another dvc.yaml; artifact names must differ across the files` });
      else artifacts.push(a);
    }
  }
  const all = <T>(f: (p: Part) => readonly T[] | undefined) => parts.flatMap((p) => f(p) ?? []);
  return {
    root,
    file,
    files,
    stages: all((p) => p.stages),
    gates: all((p) => p.gates),
    artifacts,
    registryStages: parts.find((p) => p.registryStages.length)?.registryStages ?? [],
    metrics: all((p) => p.metrics),
    plots: all((p) => p.plots),
    paramFiles: [...new Set(all((p) => p.paramFiles))],
    params,
  };
}

