/** @module Renders a plot set into a directory: an SVG and a PNG per plot, a copy of each image plot per revision, and one self-contained index.html. */
import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { VegaLiteSpec } from './chart-config.js';
import { missingRevisions, type PlotSet } from './plot.js';
import { GENERATOR, renderHtml } from './render-html.js';
import { renderPng } from './render-png.js';
import { renderSvg } from './render-svg.js';
import { replaceDirectory } from './replace-directory.js';
import { vegaLiteSpec } from './vega-lite-spec.js';

export interface WrittenPlot {
  readonly id: string;
  readonly title: string;
  /** The plot's data file (repository-relative). */
  readonly path: string;
  readonly template: string;
  /** Absolute paths of the rendered files. */
  readonly svg: string;
  readonly png: string;
  /** Names of the revisions lacking the plot (absent, unreadable, or without a field it names). */
  readonly missing: readonly string[];
  /** Why each of them lacks it. */
  readonly notes: readonly { readonly revision: string; readonly reason: string }[];
  /** The vega-lite spec drawn, data inline. */
  readonly spec: VegaLiteSpec;
}

/** An image plot's copies, one per revision that has it. */
export interface WrittenImage {
  readonly id: string;
  readonly title: string;
  /** The image file (repository-relative). */
  readonly path: string;
  /** Absolute paths of the copies, with the revision each is from. */
  readonly files: readonly { readonly revision: string; readonly file: string }[];
  /** Names of the revisions lacking the image. */
  readonly missing: readonly string[];
}

export interface WrittenPlots {
  /** Absolute path of index.html (every path returned is absolute). */
  readonly index: string;
  readonly outDir: string;
  readonly plots: readonly WrittenPlot[];
  readonly images: readonly WrittenImage[];
}

/** `<id>.<n>-<revision>.<ext>`: n keeps two revisions whose names slug alike apart. */
function imageFile(id: string, n: number, revision: string, ext: string): string {
  const slug = revision.replace(/[^A-Za-z0-9._-]+/g, '_').replace(/^[._]+/, '').slice(0, 60) || 'rev';
  return `${id}.${n}-${slug}.${ext}`;
}

/**
 * Replaces `outDir` as a whole (see replaceDirectory: only a directory pipe wrote, or an empty one):
 * `<id>.svg`, `<id>.png` for each plot, `<id>.<n>-<revision>.<ext>` for each image plot, `index.html`.
 */
export async function writePlots(set: PlotSet, { outDir }: { outDir: string }): Promise<WrittenPlots> {
  const dir = resolve(outDir);
  const rendered = await Promise.all(
    set.plots.map(async (plot) => {
      const spec = vegaLiteSpec(plot);
      const svg = await renderSvg(spec);
      return { plot, spec, svg, png: await renderPng(svg), svgFile: `${plot.id}.svg`, pngFile: `${plot.id}.png` };
    }),
  );
  await replaceDirectory(dir, GENERATOR, async (tmp) => {
    for (const r of rendered) {
      writeFileSync(join(tmp, r.svgFile), r.svg);
      writeFileSync(join(tmp, r.pngFile), r.png);
    }
    for (const image of set.images) {
      image.revisions.forEach((r, n) => {
        if (r.state === 'found') writeFileSync(join(tmp, imageFile(image.id, n, r.revision.name, image.ext)), r.bytes);
      });
    }
    writeFileSync(join(tmp, 'index.html'), renderHtml(set, rendered.map((r) => ({ id: r.plot.id, svg: r.svg, svgFile: r.svgFile, pngFile: r.pngFile }))));
  });
  return {
    index: join(dir, 'index.html'),
    outDir: dir,
    plots: rendered.map(({ plot, spec, svgFile, pngFile }) => ({
      id: plot.id,
      title: plot.title,
      path: plot.path,
      template: plot.template,
      svg: join(dir, svgFile),
      png: join(dir, pngFile),
      missing: missingRevisions(plot),
      notes: plot.revisions.flatMap((r) => (r.state === 'missing' ? [{ revision: r.revision.name, reason: r.reason }] : [])),
      spec,
    })),
    images: set.images.map((image) => ({
      id: image.id,
      title: image.title,
      path: image.path,
      files: image.revisions.flatMap((r, n) => (r.state === 'found' ? [{ revision: r.revision.name, file: join(dir, imageFile(image.id, n, r.revision.name, image.ext)) }] : [])),
      missing: image.revisions.flatMap((r) => (r.state === 'missing' ? [r.revision.name] : [])),
    })),
  };
}
