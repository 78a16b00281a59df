/**
 * @module The dvc.yaml files below the root, carried into pipeline.yaml by `pipe import dvc`: each
 * stage under DVC's address (`sub/dvc.yaml:train`) with its wdir and paths rewritten for a file at
 * the root, and its top-level metrics, params, plots and artifacts with repository paths. Their
 * templating is expanded, which is exact only when it reads no file: pipeline.yaml's `${}` reads
 * the root's params.yaml, not the sub file's own params.yaml or vars files, so a file whose
 * expansion depends on those is refused rather than frozen into literal commands.
 */
import { readFileSync } from 'node:fs';
import { join, posix } from 'node:path';
import type { SpecIssue } from '../errors.js';
import type { Out, Pipeline, PlotDefinition, Stage } from '../pipeline/pipeline.js';
import { expandTemplate } from '../pipeline/template/expand-template.js';
import type { VarsReader } from '../pipeline/template/load-vars.js';
import { parseStructured } from '../yaml/parse-structured.js';

/** What a sub file adds to pipeline.yaml, in pipeline.yaml's shape. */
export interface CarriedSections {
  readonly stages: Record<string, Record<string, unknown>>;
  readonly metrics: string[];
  readonly params: string[];
  readonly plots: unknown[];
  readonly artifacts: Record<string, Record<string, unknown>>;
}

/**
 * Why `file` cannot be carried (its templating reads its own params.yaml or vars files), or
 * undefined: it expands the same with no file to read.
 */
export async function carryProblem(root: string, file: string): Promise<SpecIssue | undefined> {
  const parsed = await parseStructured(file, readFileSync(join(root, file), 'utf8'));
  if (parsed.state !== 'found') return undefined; // loading it reported that already
  const dir = posix.dirname(file);
  const read: VarsReader = async (name) => {
    let text;
    try {
      text = readFileSync(join(root, name), 'utf8');
    } catch {
      return { exists: false };
    }
    const v = await parseStructured(name, text);
    return v.state === 'found' ? { exists: true, value: v.value } : { exists: true, value: undefined };
  };
  const withFiles = await expandTemplate(parsed.value, read, { dir });
  const without = await expandTemplate(parsed.value, async () => ({ exists: false }), { dir });
  if (without.issues.length === 0 && JSON.stringify(without.value) === JSON.stringify(withFiles.value)) return undefined;
  return {
    file,
    message:
      "its ${} reads values from its own params.yaml or vars files, which pipeline.yaml (whose ${} reads the root's params.yaml) cannot express, and writing today's values into its commands would run them stale after a change; nothing was written. Write those values inline (or as stage params read by the command), or keep running the project from its dvc.yaml files (without pipeline.yaml)",
  };
}

/** A sub file's loaded pipeline (stages named `sub/dvc.yaml:…`, repository paths) in pipeline.yaml's shape. */
export function carriedSections(p: Pipeline): CarriedSections {
  const stages: CarriedSections['stages'] = {};
  for (const s of p.stages) stages[s.name] = stageEntry(s);
  const artifacts: CarriedSections['artifacts'] = {};
  for (const { name, ...a } of p.artifacts) artifacts[name] = { ...a };
  return { stages, metrics: [...(p.metrics ?? [])], params: [...(p.paramFiles ?? [])], plots: (p.plots ?? []).map(plotEntry), artifacts };
}

function stageEntry(s: Stage): Record<string, unknown> {
  const rel = (p: string) => posix.relative(s.wdir === '.' ? '' : s.wdir, p);
  const e: Record<string, unknown> = { cmd: s.cmd.length === 1 ? s.cmd[0] : [...s.cmd] };
  if (s.wdir !== '.') e.wdir = s.wdir;
  if (s.deps.length) e.deps = s.deps.map((d) => rel(d.path));
  const byFile = new Map<string, string[]>();
  for (const r of s.params) byFile.set(r.file, [...(byFile.get(r.file) ?? []), r.key]);
  // Keys of the wdir's params.yaml are written plainly, as DVC and pipe read them by default.
  const own = posix.join(s.wdir, 'params.yaml');
  const params: unknown[] = [...(byFile.get(own) ?? [])];
  for (const [file, keys] of byFile) if (file !== own) params.push({ [rel(file)]: keys });
  if (params.length) e.params = params;
  for (const [field, kind] of [['outs', 'out'], ['metrics', 'metric'], ['plots', 'plot']] as const) {
    const outs = s.outs.filter((o) => o.kind === kind);
    if (outs.length) e[field] = outs.map((o) => outEntry(o, rel(o.path)));
  }
  if (Object.keys(s.env).length) e.env = { ...s.env };
  if (s.alwaysChanged) e.always_changed = true;
  if (s.frozen) e.frozen = true;
  return e;
}

function outEntry(o: Out, path: string): unknown {
  const flags: Record<string, unknown> = {};
  // Metrics and plots are cached in dvc.yaml and committed in pipeline.yaml: always said.
  if (o.kind !== 'out' || !o.cache) flags.cache = o.cache;
  if (o.persist) flags.persist = true;
  if (o.push === false) flags.push = false;
  Object.assign(flags, o.plot ?? {});
  return Object.keys(flags).length ? { [path]: flags } : path;
}

function plotEntry(d: PlotDefinition): unknown {
  const [only] = d.sources;
  if (d.sources.length === 1 && only && only.path === d.id) {
    const props = { ...d.props, ...(only.x !== undefined ? { x: only.x } : {}), ...(only.y?.length ? { y: only.y.length === 1 ? only.y[0] : [...only.y] } : {}) };
    return Object.keys(props).length ? { [d.id]: props } : d.id;
  }
  const y: Record<string, unknown> = {};
  const x: Record<string, string> = {};
  for (const src of d.sources) {
    y[src.path] = src.y?.length === 1 ? src.y[0] : [...(src.y ?? [])];
    if (src.x !== undefined) x[src.path] = src.x;
  }
  return { [d.id]: { ...d.props, ...(Object.keys(x).length ? { x } : {}), y } };
}
