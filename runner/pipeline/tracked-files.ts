/** @module Which params, metrics and plots files a pipeline.yaml refers to, read leniently so an old or broken revision still diffs. */
import { DEFAULT_PARAMS_FILE } from './load-params.js';
import type { PlotProps, RepoPath } from './pipeline.js';
import { toRepoPath } from '../fs/repo-path.js';
import { pipeTemplate } from './plot-template.js';
import { readPlots } from './read-top-level.js';
import { isDeclaredArtifactName } from '../registry/tag-name.js';

/** A `plots:` entry: its data file and the props written beside it (only those of the expected types). */
export interface TrackedPlot {
  readonly path: RepoPath;
  readonly props: PlotProps;
  /** The top-level plot it belongs to, when that is a named plot drawing several files (`train_vs_test`). */
  readonly id?: string;
}

export interface TrackedFiles {
  /** Params files the stages read keys from (`params.yaml` of the stage's wdir for plain keys), in order of first use. */
  readonly params: readonly RepoPath[];
  /** Every `metrics:` entry of every stage, in declaration order. */
  readonly metrics: readonly RepoPath[];
  /** Every `plots:` entry of every stage, in declaration order; a path declared twice keeps its first props. */
  readonly plots: readonly TrackedPlot[];
  /** The `metric` of each `gates:` rule (`auc`, `metrics/eval.json:auc`), in order. */
  readonly gated: readonly string[];
  /** `artifacts:` name → path, for the registry at any revision (entries whose path is not a repository path are left out). */
  readonly artifacts: ReadonlyMap<string, RepoPath>;
  /** `registry.stages`: the registry's stages in promotion order (empty when not set or not a list of names). */
  readonly registryStages: readonly string[];
}

/**
 * The files named by a parsed pipeline.yaml. A revision's pipeline is not validated (it may
 * predate today's schema): entries that cannot be read as paths are skipped, with the same path
 * rules as loadPipeline (wdir, normalisation, no escapes), and plot props of the wrong type are dropped.
 */
export function trackedFiles(pipeline: unknown, dir: RepoPath = '.'): TrackedFiles {
  const params = new Set<RepoPath>();
  const metrics = new Set<RepoPath>();
  const plots = new Map<RepoPath, PlotProps>();
  const plotIds = new Map<RepoPath, string>();
  const stages = isRecord(pipeline) && isRecord(pipeline.stages) ? Object.values(pipeline.stages) : [];
  for (const stage of stages) {
    if (!isRecord(stage)) continue;
    // Relative to the file's directory (a dvc.yaml below the root), as loadPipeline reads it.
    const wdirPath = toRepoPath(typeof stage.wdir === 'string' ? stage.wdir : '.', dir);
    const wdir = wdirPath.ok ? wdirPath.path : dir;
    const resolve = (p: string) => {
      const r = toRepoPath(p, wdir);
      return r.ok ? r.path : undefined;
    };
    const add = (set: Set<RepoPath>, p: string) => {
      const path = resolve(p);
      if (path !== undefined) set.add(path);
    };
    for (const entry of Array.isArray(stage.params) ? stage.params : []) {
      if (typeof entry === 'string') add(params, DEFAULT_PARAMS_FILE);
      else if (isRecord(entry)) for (const file of Object.keys(entry)) add(params, file);
    }
    for (const entry of Array.isArray(stage.metrics) ? stage.metrics : []) {
      if (typeof entry === 'string') add(metrics, entry);
      else if (isRecord(entry)) for (const file of Object.keys(entry).slice(0, 1)) add(metrics, file);
    }
    for (const entry of Array.isArray(stage.plots) ? stage.plots : []) {
      const [file, raw] = typeof entry === 'string' ? [entry, undefined] : isRecord(entry) ? (Object.entries(entry)[0] ?? []) : [];
      const path = typeof file === 'string' ? resolve(file) : undefined;
      if (path !== undefined && !plots.has(path)) plots.set(path, plotProps(raw));
    }
  }
  // Top-level sections (DVC's shape): files named there whether or not a stage writes them.
  const top = isRecord(pipeline) ? pipeline : {};
  for (const p of Array.isArray(top.metrics) ? top.metrics : []) if (typeof p === 'string') addTop(metrics, p, dir);
  for (const p of Array.isArray(top.params) ? top.params : []) if (typeof p === 'string') addTop(params, p, dir);
  for (const def of readPlots(top.plots, (p) => topPath(p, dir))) {
    for (const src of def.sources) {
      if (plots.has(src.path)) continue;
      const props = plotProps({ ...def.props, ...(src.x !== undefined ? { x: src.x } : {}), ...(src.y?.length ? { y: src.y.length === 1 ? src.y[0] : src.y } : {}) });
      plots.set(src.path, props);
      if (def.id !== src.path) plotIds.set(src.path, def.id);
    }
  }
  const gates = isRecord(pipeline) && Array.isArray(pipeline.gates) ? pipeline.gates : [];
  const gated = gates.flatMap((g) => (isRecord(g) && typeof g.metric === 'string' ? [g.metric] : []));
  const artifacts = new Map<string, RepoPath>();
  for (const [name, a] of Object.entries(isRecord(pipeline) && isRecord(pipeline.artifacts) ? pipeline.artifacts : {})) {
    // A name the file may not declare (pipeline.yaml's schema refuses it) is no artifact at any revision: 'models:churn'
    // in the root would have been registered as GTO's artifact churn of a sub-directory models that declares nothing.
    if (!isDeclaredArtifactName(name)) continue;
    const r = isRecord(a) && typeof a.path === 'string' ? toRepoPath(a.path, dir) : undefined;
    if (r?.ok) artifacts.set(name, r.path);
  }
  const registry = isRecord(pipeline) && isRecord(pipeline.registry) ? pipeline.registry : {};
  const registryStages = Array.isArray(registry.stages) ? registry.stages.filter((s): s is string => typeof s === 'string') : [];
  const tracked = [...plots].map(([path, props]) => {
    const id = plotIds.get(path);
    return id === undefined ? { path, props } : { path, props, id };
  });
  return { params: [...params], metrics: [...metrics], plots: tracked, gated, artifacts, registryStages };
}

function topPath(p: string, dir: RepoPath): RepoPath | undefined {
  const r = toRepoPath(p, dir);
  return r.ok ? r.path : undefined;
}

function addTop(set: Set<RepoPath>, p: string, dir: RepoPath): void {
  const path = topPath(p, dir);
  if (path !== undefined) set.add(path);
}

/** The props a renderer can use: strings where strings belong, `y` a string or a list of strings. */
function plotProps(raw: unknown): PlotProps {
  if (!isRecord(raw)) return {};
  const props: Record<string, unknown> = {};
  for (const key of ['template', 'x', 'title', 'x_label', 'y_label'] as const) {
    if (typeof raw[key] === 'string') props[key] = raw[key];
  }
  if (typeof props.template === 'string') props.template = pipeTemplate(props.template);
  const y = raw.y;
  if (typeof y === 'string') props.y = y;
  else if (Array.isArray(y) && y.length > 0 && y.every((v) => typeof v === 'string')) props.y = [...(y as string[])];
  return props as PlotProps;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
