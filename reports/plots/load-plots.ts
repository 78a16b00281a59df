/** @module Loads every plot the pipeline declares, with its data at each revision (the working tree for `workspace`). */
import {
  PipeError,
  WORKSPACE,
  binaryKindAt,
  isWorkspace,
  pipelineAt,
  readBytesAt,
  readFileAt,
  resolveRevision,
  type PlotProps,
  type RepoPath,
  type Revision,
} from '../../runner/index.js';
import { parsePlotData } from './parse-plot-data.js';
import { imageType, type ImageAtRevision, type ImagePlot, type PlotAtRevision, type PlotSet } from './plot.js';
import { plotIds } from './plot-id.js';
import { resolvePlot } from './resolve-plot.js';

export interface LoadPlotsOptions {
  readonly root: string;
  /** Revision names (anything git understands, or `workspace`); default the workspace. */
  readonly revisions: readonly string[];
  /**
   * Only these repository paths (a plot's file, or a directory holding plot files). A path that no
   * pipeline declares is plotted with default props when it is a file at one of the revisions.
   */
  readonly targets?: readonly RepoPath[];
}

/**
 * Which plots: the `plots:` entries of each revision's own pipeline.yaml, read leniently; the
 * props (and order) of the last revision given that declares a plot win, so `[HEAD, workspace]`
 * draws with today's props. Each plot's file is read at every revision.
 */
export async function loadPlots({ root, revisions, targets }: LoadPlotsOptions): Promise<PlotSet> {
  const revs: Revision[] = [];
  // One after the other, so that of two unknown revisions the first is the one reported.
  for (const name of new Set(revisions.length > 0 ? revisions : [WORKSPACE])) revs.push(await resolveRevision(root, name));
  const warnings: string[] = [];
  const declared = await declaredPlots(root, revs, warnings);
  const chosen = targets === undefined ? declared : await selectTargets(root, revs, declared, targets);
  const ids = plotIds(chosen.map((p) => p.path));
  const isImage = (path: RepoPath) => imageType(path) !== undefined;
  const data = chosen.flatMap((p, i) => (isImage(p.path) ? [] : [{ ...p, id: ids[i] ?? p.path }]));
  await refuseBinary(root, revs, data);
  const plots = await Promise.all(
    data.map(async ({ id, path, props }) => {
      const atRevs = await Promise.all(revs.map((rev) => readPlotAt(root, rev, path)));
      return resolvePlot({ id, path, props, revisions: atRevs }, warnings);
    }),
  );
  const images = await Promise.all(
    chosen.flatMap((p, i) => (isImage(p.path) ? [loadImage(root, revs, ids[i] ?? p.path, p.path, p.props)] : [])),
  );
  for (const plot of [...plots, ...images]) {
    for (const r of plot.revisions) if (r.state === 'missing') warnings.push(`${plot.path} is missing ${where(r.revision)}: ${r.reason}`);
  }
  return { root, revisions: revs, plots, images, warnings };
}

/** An image plot: its bytes at each revision, drawn as they are (DVC's image plots). */
async function loadImage(root: string, revs: readonly Revision[], id: string, path: RepoPath, props: PlotProps): Promise<ImagePlot> {
  const type = imageType(path) as { mime: string; ext: string };
  const revisions = await Promise.all(
    revs.map(async (revision): Promise<ImageAtRevision> => {
      const file = await readBytesAt(root, revision, path);
      if (file.found) return { revision, state: 'found', bytes: file.bytes };
      return { revision, state: 'missing', reason: file.reason === 'absent' ? 'the file does not exist there' : 'it is a directory, not a file' };
    }),
  );
  return { id, path, title: props.title ?? path, ...type, revisions };
}

async function declaredPlots(root: string, revs: readonly Revision[], warnings: string[]): Promise<{ path: RepoPath; props: PlotProps }[]> {
  const lists = await Promise.all(
    revs.map(async (rev) => {
      const p = await pipelineAt(root, rev);
      if (p.state === 'invalid') warnings.push(p.problem);
      return p.state === 'found' ? p.declared.plots : [];
    }),
  );
  const byPath = new Map<RepoPath, PlotProps>();
  for (const list of lists.reverse()) for (const p of list) if (!byPath.has(p.path)) byPath.set(p.path, p.props);
  return [...byPath].map(([path, props]) => ({ path, props }));
}

async function selectTargets(
  root: string,
  revs: readonly Revision[],
  declared: readonly { path: RepoPath; props: PlotProps }[],
  targets: readonly RepoPath[],
): Promise<{ path: RepoPath; props: PlotProps }[]> {
  const chosen = new Map<RepoPath, PlotProps>();
  for (const target of targets) {
    const matches = declared.filter((p) => p.path === target || p.path.startsWith(`${target}/`));
    for (const m of matches) chosen.set(m.path, m.props);
    if (matches.length > 0 || chosen.has(target)) continue;
    const files = await Promise.all(revs.map((rev) => readFileAt(root, rev, target)));
    if (files.some((f) => f.found)) {
      chosen.set(target, {});
      continue;
    }
    const known = declared.map((p) => p.path);
    throw new PipeError(
      'USAGE',
      `no plot '${target}': no pipeline.yaml declares it and it is not a file ${revs.map(where).join(' or ')}` +
        (known.length > 0 ? `; the plots are: ${known.join(', ')}` : "; pipeline.yaml declares no plots (a stage's 'plots:')"),
      { command: 'plots' },
    );
  }
  return [...chosen].map(([path, props]) => ({ path, props }));
}

/** Before anything is parsed: an image parsed as YAML takes minutes and gigabytes, and its bytes would end up in a message. */
async function refuseBinary(root: string, revs: readonly Revision[], plots: readonly { path: RepoPath }[]): Promise<void> {
  for (const { path } of plots) {
    for (const rev of revs) {
      const kind = await binaryKindAt(root, rev, path);
      if (kind === undefined) continue;
      throw new PipeError(
        'PLOT_UNSUPPORTED',
        `cannot plot ${path}: ${where(rev)} it is ${kind}, not plot data; a plot file holds a table (JSON, YAML, CSV or TSV), or is an image named .png, .jpg, .jpeg, .gif, .svg or .webp`,
        { path, revision: rev.name, kind },
      );
    }
  }
}

async function readPlotAt(root: string, rev: Revision, path: RepoPath): Promise<PlotAtRevision> {
  const file = await readFileAt(root, rev, path);
  if (!file.found) return { revision: rev, state: 'missing', reason: file.reason === 'absent' ? 'the file does not exist there' : 'it is a directory, not a file' };
  const data = await parsePlotData(path, file.text);
  return data.ok ? { revision: rev, state: 'found', rows: data.rows } : { revision: rev, state: 'missing', reason: `it ${data.reason}` };
}

function where(rev: Revision): string {
  return isWorkspace(rev) ? 'in the workspace' : `at ${rev.name}`;
}
