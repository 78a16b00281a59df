/** @module What a loaded plot is: a data file, how to draw it, and its rows (or why there are none) at each revision. */
import type { PlotProps, RepoPath, Revision } from '../../runner/index.js';

export const TEMPLATES = ['linear', 'scatter', 'smooth', 'bar', 'confusion', 'confusion_normalized'] as const;
export type Template = (typeof TEMPLATES)[number];

/** One record of a plot's data file. */
export type PlotRow = Readonly<Record<string, unknown>>;

export type PlotAtRevision =
  | { readonly revision: Revision; readonly state: 'found'; readonly rows: readonly PlotRow[] }
  /** `reason`: why the revision has nothing to draw (file absent, unparsable, lacks a field), for notes. */
  | { readonly revision: Revision; readonly state: 'missing'; readonly reason: string };

export interface Plot {
  /** File-name-safe and unique in its set: `plots/roc.json` → `plots-roc`. */
  readonly id: string;
  /** The data file, repository-relative. */
  readonly path: RepoPath;
  readonly title: string;
  readonly template: Template;
  /** Field on the x axis; undefined means the row index, labelled `step` (as DVC does). */
  readonly x?: string;
  /** Fields drawn against x (confusion templates use the first: the predicted class). */
  readonly y: readonly string[];
  readonly xLabel: string;
  readonly yLabel: string;
  /** The props as pipeline.yaml declares them (the newest revision that declares the plot). */
  readonly props: PlotProps;
  /** One entry per revision of the set, in the same order. */
  readonly revisions: readonly PlotAtRevision[];
}

/** An image file declared as a plot (DVC's image plots): shown as it is at each revision, side by side. */
export interface ImagePlot {
  /** File-name-safe and unique in its set, shared with the data plots' ids. */
  readonly id: string;
  readonly path: RepoPath;
  readonly title: string;
  /** The image's media type, from its extension (image/png, image/jpeg, image/gif, image/svg+xml, image/webp). */
  readonly mime: string;
  /** The file extension the copies are written with (png, jpg, …). */
  readonly ext: string;
  /** One entry per revision of the set, in the same order. */
  readonly revisions: readonly ImageAtRevision[];
}

export type ImageAtRevision =
  | { readonly revision: Revision; readonly state: 'found'; readonly bytes: Buffer }
  | { readonly revision: Revision; readonly state: 'missing'; readonly reason: string };

const IMAGE_TYPES: Readonly<Record<string, string>> = { png: 'image/png', jpg: 'image/jpeg', jpeg: 'image/jpeg', gif: 'image/gif', svg: 'image/svg+xml', webp: 'image/webp' };

/** The media type of an image plot's file, by its extension; undefined for a data file. */
export function imageType(path: string): { mime: string; ext: string } | undefined {
  const ext = /\.([A-Za-z]+)$/.exec(path)?.[1]?.toLowerCase();
  const mime = ext === undefined ? undefined : IMAGE_TYPES[ext];
  return ext !== undefined && mime !== undefined ? { mime, ext } : undefined;
}

export interface PlotSet {
  readonly root: string;
  /** The revisions as given (duplicates dropped), resolved. */
  readonly revisions: readonly Revision[];
  readonly plots: readonly Plot[];
  /** Image files among the plots, in declaration order. */
  readonly images: readonly ImagePlot[];
  /** Sentences for stderr: revisions a plot is missing at and why, unreadable pipeline.yaml files, unknown templates. */
  readonly warnings: readonly string[];
}

/** Names of the revisions at which `plot` has nothing to draw. */
export function missingRevisions(plot: Plot): string[] {
  return plot.revisions.flatMap((r) => (r.state === 'missing' ? [r.revision.name] : []));
}

/** The revisions with rows, in the set's order. */
export function foundRevisions(plot: Plot): Extract<PlotAtRevision, { state: 'found' }>[] {
  return plot.revisions.filter((r): r is Extract<PlotAtRevision, { state: 'found' }> => r.state === 'found');
}

export function isConfusion(template: Template): boolean {
  return template === 'confusion' || template === 'confusion_normalized';
}
