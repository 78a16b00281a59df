/** @module The top-level `metrics:`, `plots:`, `params:` and `artifacts:` of a pipeline file (DVC's shape), read into the Pipeline model. */
import { posix } from 'node:path';
import type { SpecIssue } from '../errors.js';
import { toRepoPath } from '../fs/repo-path.js';
import { formatKeyPath, type KeyPath, type YamlSource } from '../yaml/key-path.js';
import type { Artifact, PlotDefinition, PlotProps, RepoPath } from './pipeline.js';
import { pipeTemplate } from './plot-template.js';

export interface TopLevel {
  readonly metrics: readonly RepoPath[];
  readonly plots: readonly PlotDefinition[];
  readonly paramFiles: readonly RepoPath[];
}

/** Reads the three sections (the schema has checked their shapes); a bad path is an issue at its entry. */
export function readTopLevel(source: YamlSource, raw: Record<string, unknown>, issues: SpecIssue[], dir = '.'): TopLevel {
  const at = (path: KeyPath, message: string) => issues.push({ file: source.file, ...source.locate(path), key: formatKeyPath(path), message });
  const path = (p: string, where: KeyPath): RepoPath | undefined => {
    const r = toRepoPath(p, dir);
    if (r.ok) return r.path;
    at(where, `path '${p}' ${r.reason}`);
    return undefined;
  };
  const paths = (field: 'metrics' | 'params') =>
    (Array.isArray(raw[field]) ? (raw[field] as unknown[]) : []).flatMap((p, i) => {
      const rp = typeof p === 'string' ? path(p, [field, i]) : undefined;
      return rp === undefined ? [] : [rp];
    });
  return { metrics: paths('metrics'), paramFiles: paths('params'), plots: readPlots(raw.plots, path) };
}

/**
 * `- path`, `- path: {props}` and `- id: {x, y: {file: fields}, …}`: an entry whose x or y is a
 * mapping of files, or whose key is not a file the props could describe, is a named plot.
 */
export function readPlots(raw: unknown, path: (p: string, where: KeyPath) => RepoPath | undefined): PlotDefinition[] {
  const out: PlotDefinition[] = [];
  (Array.isArray(raw) ? raw : []).forEach((entry, i) => {
    const [key, value] = typeof entry === 'string' ? [entry, undefined] : isRecord(entry) ? (Object.entries(entry)[0] ?? []) : [];
    if (typeof key !== 'string') return;
    const props = isRecord(value) ? value : {};
    const common = commonProps(props);
    const ys = isRecord(props.y) ? props.y : undefined;
    const xs = isRecord(props.x) ? props.x : undefined;
    if (!ys && !xs) {
      const p = path(key, ['plots', i]);
      // A path is its own id: the repository path, for a file below the root (`sub/dvc.yaml`).
      if (p !== undefined) out.push({ id: p === key || posix.normalize(key) === p ? key : p, sources: [{ path: p }], props: { ...common, ...(typeof props.x === 'string' ? { x: props.x } : {}), ...yProp(props.y) } });
      return;
    }
    const sources: { path: RepoPath; x?: string; y?: readonly string[] }[] = [];
    const xOf = (file: string) => (xs ? (typeof xs[file] === 'string' ? xs[file] : undefined) : typeof props.x === 'string' ? props.x : undefined);
    for (const [file, fields] of Object.entries(ys ?? {})) {
      const p = path(file, ['plots', i, key, 'y', file]);
      if (p === undefined) continue;
      const y = typeof fields === 'string' ? [fields] : Array.isArray(fields) ? fields.filter((f): f is string => typeof f === 'string') : [];
      const x = xOf(file) ?? (xs ? (Object.values(xs).find((v) => typeof v === 'string') as string | undefined) : undefined);
      sources.push({ path: p, ...(x !== undefined ? { x } : {}), y });
    }
    out.push({ id: key, sources, props: common });
  });
  return out;
}

/** `artifacts:` entries whose path is a repository path (the schema checked the rest). */
export function readArtifacts(source: YamlSource, raw: unknown, issues: SpecIssue[], dir: string): Artifact[] {
  if (!isRecord(raw)) return [];
  const out: Artifact[] = [];
  for (const [name, a] of Object.entries(raw)) {
    if (!isRecord(a) || typeof a.path !== 'string') continue;
    const r = toRepoPath(a.path, dir);
    if (!r.ok) {
      const path = ['artifacts', name, 'path'];
      issues.push({ file: source.file, ...source.locate(path), key: formatKeyPath(path), message: `path '${a.path}' ${r.reason}` });
      continue;
    }
    out.push({
      name,
      path: r.path,
      ...(typeof a.type === 'string' ? { type: a.type } : {}),
      ...(typeof a.desc === 'string' ? { desc: a.desc } : {}),
      ...(Array.isArray(a.labels) ? { labels: a.labels.filter((l): l is string => typeof l === 'string') } : {}),
      ...(isRecord(a.meta) ? { meta: a.meta } : {}),
    });
  }
  return out;
}

function commonProps(props: Record<string, unknown>): PlotProps {
  const out: Record<string, string> = {};
  for (const k of ['title', 'x_label', 'y_label'] as const) if (typeof props[k] === 'string') out[k] = props[k];
  if (typeof props.template === 'string') out.template = pipeTemplate(props.template);
  return out;
}

function yProp(y: unknown): { y?: string | readonly string[] } {
  if (typeof y === 'string') return { y };
  if (Array.isArray(y)) return { y: y.filter((v): v is string => typeof v === 'string') };
  return {};
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
