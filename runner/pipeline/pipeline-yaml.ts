/** @module The pipeline.yaml format: the file and its params files read strictly into a validated, normalised Pipeline, or leniently at any revision. */
import { posix } from 'node:path';
import type { SpecIssue } from '../errors.js';
import type { Dep, Out, OutKind, ParamRef, PlotProps, Stage } from './pipeline.js';
import { toRepoPath } from '../fs/repo-path.js';
import { DEFAULT_PARAMS_FILE, ParamsFiles, isMissing, lookupParam } from './load-params.js';
import { checkGates } from './check-gates.js';
import type { ParsedCache } from '../yaml/parsed-cache.js';
import { readYamlFile } from '../yaml/read-yaml-file.js';
import { formatKeyPath, type KeyPath, type YamlSource } from '../yaml/key-path.js';
import type { PipelineFormat, StrictLoad } from './pipeline-format.js';
import type { TrackedFiles } from './tracked-files.js';
import type { VarsReader } from './template/load-vars.js';
import { expandTemplate, type UsedParam } from './template/expand-template.js';
import { rememberPipeline, rememberedPipeline } from './remembered-pipeline.js';
import { readArtifacts, readTopLevel } from './read-top-level.js';
import { joinParts, type Part } from './join-parts.js';
import { refuseUnsupported } from './refuse-unsupported.js';
import { pipeTemplate } from './plot-template.js';

type Raw = Record<string, unknown>;

/** The key of a param reference that reads every key of its file (`- other.yaml:`). */
const WHOLE_FILE = '';

/** How a format's stages default where pipeline.yaml and dvc.yaml differ. */
interface Dialect {
  /** Stage `metrics:` and `plots:` are cached unless `cache: false` (DVC), or committed unless `cache: true` (pipe). */
  readonly cacheMetrics: boolean;
  /** A `${…}` in `cmd` that names no variable is the shell's (pipeline.yaml, as before templating), or an error (dvc.yaml, as in DVC). */
  readonly shellInCmd: boolean;
}

const PIPE: Dialect = { cacheMetrics: false, shellInCmd: true };
const DVC: Dialect = { cacheMetrics: true, shellInCmd: false };

export const pipelineYaml: PipelineFormat = {
  load: ({ root, files, cache, fresh }) => load(root, 'pipeline.yaml', files, cache, fresh, PIPE),
  declared: (value, read, dir) => declaredFiles(value, read, PIPE, dir),
};

/** dvc.yaml: the same file, read with DVC's defaults; every dvc.yaml of the workspace makes one pipeline. */
export const dvcYaml: PipelineFormat = {
  load: ({ root, files, cache, fresh }) => load(root, 'dvc.yaml', files, cache, fresh, DVC),
  declared: (value, read, dir) => declaredFiles(value, read, DVC, dir),
};

/** trackedFiles of the file as expanded; entries whose `${}` could not be resolved stay as written and are skipped as paths. */
async function declaredFiles(value: unknown, read: VarsReader, dialect: Dialect, dir = '.'): Promise<TrackedFiles> {
  const { trackedFiles } = await import('./tracked-files.js');
  return trackedFiles((await expandTemplate(value, read, { ...dialect, dir })).value, dir);
}

async function load(root: string, format: string, files: readonly string[], cache: ParsedCache, fresh: boolean, dialect: Dialect): Promise<StrictLoad> {
  if (!fresh) {
    const remembered = rememberedPipeline(cache, root, format, files);
    if (remembered) return { pipeline: remembered };
  }
  const params = new ParamsFiles(root, cache, fresh);
  const issues: SpecIssue[] = [];
  const parts: Part[] = [];
  const reads: { remember(): void }[] = [];
  let fromCache = false;
  for (const file of files) {
    const r = await readPipelineFile({ root, file, params, cache, fresh, dialect, issues });
    fromCache ||= r.fromCache;
    if (r.part) parts.push(r.part);
    if (r.read) reads.push(r.read);
  }
  if (issues.length) return { issues, fromCache };
  const pipeline = joinParts(root, files, parts, issues);
  if (issues.length) return { issues, fromCache };
  for (const r of reads) r.remember();
  rememberPipeline(cache, format, pipeline, [...files, ...params.loadedFiles()]);
  return { pipeline };
}

interface FileRead {
  readonly part?: Part;
  /** To remember the parsed file once the whole pipeline is valid. */
  readonly read?: { remember(): void };
  readonly fromCache: boolean;
}

/**
 * One pipeline file, strictly: its problems go to `issues`. A file below the root (`sub/dvc.yaml`)
 * reads its paths, params.yaml and vars files relative to its directory, and its stages are named
 * as DVC addresses them (`sub/dvc.yaml:train`).
 */
async function readPipelineFile(o: {
  root: string;
  file: string;
  params: ParamsFiles;
  cache: ParsedCache;
  fresh: boolean;
  dialect: Dialect;
  issues: SpecIssue[];
}): Promise<FileRead> {
  const { root, file, params, cache, fresh, dialect } = o;
  const dir = posix.dirname(file);
  const read = await readYamlFile({ root, name: file, cache, fresh });
  // Gone since the caller looked: as empty as a file can be.
  if (!read.exists) return fail(o.issues, [{ file, message: 'the file disappeared while it was being read' }], false);
  const source: YamlSource = read.source ?? unlocated(file, read.value);
  if (source.syntaxIssues.length) return fail(o.issues, source.syntaxIssues, false);
  if (read.value === undefined || read.value === null) {
    return fail(o.issues, [{ file, line: 1, column: 1, message: 'file is empty; it needs a `stages:` mapping' }], false);
  }
  const issues: SpecIssue[] = [];
  const expanded = await expandTemplate(read.value, async (name) => {
    const r = await params.load(name);
    if (!r.exists) return { exists: false };
    const problem = r.source?.syntaxIssues[0];
    return { exists: true, value: r.value, ...(problem ? { problem: `line ${problem.line ?? 1}: ${problem.message}` } : {}) };
  }, { ...dialect, dir });
  const fromCache = !read.source;
  const located = withOrigins(source, expanded.origins);
  for (const t of expanded.issues) issues.push({ file, ...source.locate(t.path), key: formatKeyPath(t.path), message: t.message });
  if (issues.length) return fail(o.issues, issues, fromCache);
  // A remembered value was validated when it was remembered (the validator, 70 KB, loads only
  // here, and the messages' module only when it fails), but a templated one depends on its vars files: it is checked every time.
  if (read.source || expanded.templated) {
    const { default: validate } = await import('./pipeline-validator.js');
    if (!validate(expanded.value)) issues.push(...(await import('./schema-issues.js')).schemaIssues(located, validate.errors ?? []));
  }
  const raw = isRecord(expanded.value) ? expanded.value : {};
  refuseUnsupported(located, raw, issues);
  const stages: Stage[] = [];
  const paramPaths: ParamPaths = new Map();
  const rawStages = isRecord(raw.stages) ? raw.stages : {};
  for (const [name, rawStage] of Object.entries(rawStages)) {
    if (isRecord(rawStage)) stages.push(readStage(located, name, rawStage, issues, paramPaths, expanded.used.get(name) ?? [], dialect, dir));
  }
  const resolved = await resolveParams(params, located, stages, paramPaths, issues);
  const top = readTopLevel(located, raw, issues, dir);
  const gates = checkGates(located, raw.gates, stages, issues, top.metrics);
  const artifacts = readArtifacts(located, raw.artifacts, issues, dir);
  const registryStages = isRecord(raw.registry) ? strings(raw.registry.stages) : [];
  if (issues.length) return fail(o.issues, issues, fromCache);
  // DVC's address of a stage in another directory's dvc.yaml; the root's keep their plain names.
  const named = dir === '.' ? stages : stages.map((s) => ({ ...s, name: `${file}:${s.name}` }));
  return { part: { stages: named, gates, artifacts, registryStages, params: resolved, ...top }, read, fromCache };
}

function fail(all: SpecIssue[], issues: readonly SpecIssue[], fromCache: boolean): FileRead {
  all.push(...issues);
  return { fromCache };
}

/** Messages about a generated stage (`build@us`) point into the definition it came from. */
function withOrigins(source: YamlSource, origins: ReadonlyMap<string, KeyPath>): YamlSource {
  if (origins.size === 0) return source;
  return {
    ...source,
    locate: (path, key) => {
      const origin = path[0] === 'stages' && typeof path[1] === 'string' ? origins.get(path[1]) : undefined;
      return source.locate(origin ? [...origin, ...path.slice(2)] : path, key);
    },
  };
}

/** A source for a remembered value: it has no positions, so messages fall back to the file name. */
function unlocated(file: string, value: unknown): YamlSource {
  return { file, value, syntaxIssues: [], locate: () => undefined };
}

/** Where each param reference was written, for messages about it. */
type ParamPaths = Map<ParamRef, KeyPath>;

function readStage(
  source: YamlSource,
  name: string,
  s: Raw,
  issues: SpecIssue[],
  paramPaths: ParamPaths,
  used: readonly UsedParam[],
  dialect: Dialect,
  dir: string,
): Stage {
  const at = (path: KeyPath, message: string) =>
    issues.push({ file: source.file, ...source.locate(path), key: formatKeyPath(path), message });

  // A stage runs in its file's directory unless wdir says otherwise (relative to that directory).
  let wdir = dir;
  const written = typeof s.wdir === 'string' ? posix.join(dir, s.wdir) : dir;
  if (posix.normalize(written) === '.') wdir = '.';
  else {
    const r = toRepoPath(typeof s.wdir === 'string' ? s.wdir : '.', dir);
    if (r.ok) wdir = r.path;
    else at(['stages', name, 'wdir'], `path '${String(s.wdir)}' ${r.reason}`);
  }
  const path = (field: string, i: number, p: string): string | undefined => {
    const r = toRepoPath(p, wdir);
    if (r.ok) return r.path;
    at(['stages', name, field, i], `path '${p}' ${r.reason}`);
    return undefined;
  };

  const deps: Dep[] = [];
  strings(s.deps).forEach((p, i) => {
    const rp = path('deps', i, p);
    if (rp !== undefined) deps.push({ path: rp });
  });

  const outs: Out[] = [];
  const readOuts = (field: 'outs' | 'metrics' | 'plots', kind: OutKind, cacheDefault: boolean) => {
    const list = Array.isArray(s[field]) ? (s[field] as unknown[]) : [];
    list.forEach((item, i) => {
      const [p, flags] = typeof item === 'string' ? [item, {}] : entryOf(item);
      if (p === undefined) return;
      const rp = path(field, i, p);
      if (rp === undefined) return;
      const f = isRecord(flags) ? flags : {};
      const out: Out = {
        path: rp,
        kind,
        cache: typeof f.cache === 'boolean' ? f.cache : cacheDefault,
        persist: f.persist === true,
        ...(f.push === false ? { push: false as const } : {}),
        ...(kind === 'plot' ? { plot: plotProps(f) } : {}),
      };
      if (outs.some((o) => o.path === rp)) at(['stages', name, field, i], `path '${p}' is declared twice in this stage`);
      else outs.push(out);
    });
  };
  readOuts('outs', 'out', true);
  // Metrics and plot data are small and diffed across revisions straight from git, so they are
  // committed rather than cached unless the user says otherwise.
  readOuts('metrics', 'metric', dialect.cacheMetrics);
  readOuts('plots', 'plot', dialect.cacheMetrics);

  const params: ParamRef[] = [];
  const rawParams = Array.isArray(s.params) ? (s.params as unknown[]) : [];
  rawParams.forEach((entry, i) => {
    if (typeof entry === 'string') {
      const ref = { file: posix.join(wdir, DEFAULT_PARAMS_FILE), key: entry };
      params.push(ref);
      paramPaths.set(ref, ['stages', name, 'params', i]);
    } else if (isRecord(entry)) {
      for (const [file, keys] of Object.entries(entry)) {
        const r = toRepoPath(file, wdir);
        if (!r.ok) {
          at(['stages', name, 'params'], `params file '${file}' ${r.reason}`);
          continue;
        }
        // `- other.yaml:` (no keys): every key of the file, found when the file is read.
        if (keys === null) {
          const ref = { file: r.path, key: WHOLE_FILE };
          params.push(ref);
          paramPaths.set(ref, ['stages', name, 'params', i, file]);
        }
        strings(keys).forEach((key, k) => {
          const ref = { file: r.path, key };
          params.push(ref);
          paramPaths.set(ref, ['stages', name, 'params', i, file, k]);
        });
      }
    }
  });
  // Values a `${}` took from params.yaml or a vars file are params of the stage, as in DVC.
  for (const u of used) {
    if (params.some((p) => p.file === u.file && (p.key === u.key || p.key === WHOLE_FILE || u.key.startsWith(`${p.key}.`)))) continue;
    const ref = { file: u.file, key: u.key };
    params.push(ref);
    paramPaths.set(ref, ['stages', name, 'cmd']);
  }

  const env: Record<string, string> = {};
  if (isRecord(s.env)) for (const [k, v] of Object.entries(s.env)) env[k] = String(v);

  return {
    name,
    cmd: typeof s.cmd === 'string' ? [s.cmd] : strings(s.cmd),
    wdir,
    deps,
    params,
    outs,
    env,
    alwaysChanged: s.always_changed === true,
    frozen: s.frozen === true,
  };
}

/** The value of every param the stages read; a whole-file reference becomes one per top-level key of the file. */
async function resolveParams(
  files: ParamsFiles,
  source: YamlSource,
  stages: Stage[],
  paramPaths: ParamPaths,
  issues: SpecIssue[],
): Promise<Map<string, Map<string, unknown>>> {
  const resolved = new Map<string, Map<string, unknown>>();
  const reportedFiles = new Set<string>();
  for (const [n, stage] of stages.entries()) {
    const refs: ParamRef[] = [];
    for (const ref of stage.params) {
      const path = paramPaths.get(ref) ?? ['stages', stage.name, 'params'];
      const where = { file: source.file, ...source.locate(path), key: formatKeyPath(path) };
      const params = await files.load(ref.file);
      if (!params.exists) {
        if (!reportedFiles.has(ref.file)) issues.push({ ...where, message: `params file '${ref.file}' does not exist` });
        reportedFiles.add(ref.file);
        continue;
      }
      if (params.source?.syntaxIssues.length) {
        if (!reportedFiles.has(ref.file)) issues.push(...params.source.syntaxIssues);
        reportedFiles.add(ref.file);
        continue;
      }
      let byKey = resolved.get(ref.file);
      if (!byKey) resolved.set(ref.file, (byKey = new Map()));
      if (ref.key === WHOLE_FILE) {
        const tree = isRecord(params.value) ? params.value : {};
        for (const [key, value] of Object.entries(tree)) {
          if (refs.some((r) => r.file === ref.file && r.key === key)) continue;
          refs.push({ file: ref.file, key });
          byKey.set(key, value);
        }
        continue;
      }
      const value = lookupParam(params.value, ref.key);
      if (isMissing(value)) {
        issues.push({ ...where, message: `key '${ref.key}' not found in ${ref.file}` });
        continue;
      }
      if (!refs.some((r) => r.file === ref.file && r.key === ref.key)) refs.push(ref);
      byKey.set(ref.key, value);
    }
    stages[n] = { ...stage, params: refs };
  }
  return resolved;
}

function plotProps(f: Raw): PlotProps {
  const props: Record<string, unknown> = {};
  for (const k of ['x', 'y', 'title', 'x_label', 'y_label'] as const) if (f[k] !== undefined) props[k] = f[k];
  if (typeof f.template === 'string') props.template = pipeTemplate(f.template);
  return props as PlotProps;
}

function entryOf(item: unknown): [string | undefined, unknown] {
  if (!isRecord(item)) return [undefined, undefined];
  const first = Object.entries(item)[0];
  return first ? [first[0], first[1]] : [undefined, undefined];
}

function strings(v: unknown): string[] {
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
}

function isRecord(v: unknown): v is Raw {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
