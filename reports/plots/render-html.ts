/** @module The one HTML page of a plot set: every plot's SVG inline, notes for missing revisions; no scripts, nothing fetched. */
import { isWorkspace } from '../../runner/index.js';
import { escapeHtml } from './escape-html.js';
import { colour } from './palette.js';
import type { PlotSet } from './plot.js';
import { scopeSvgIds } from './scope-svg-ids.js';

/** Marks a directory as pipe's plots output, so a later run may replace it (and never a directory that is not). */
export const GENERATOR = 'pipe plots';

export interface HtmlPlot {
  readonly id: string;
  readonly svg: string;
  /** File names of the plot's SVG and PNG, relative to the page. */
  readonly svgFile: string;
  readonly pngFile: string;
}

const STYLE = `
body{font-family:"DejaVu Sans",Verdana,Arial,sans-serif;margin:2rem auto;max-width:1100px;padding:0 1rem;color:#222;background:#fff}
h1{font-size:1.4rem;margin-bottom:.3rem}
h2{font-size:1.1rem;margin:2rem 0 .3rem}
.revisions{margin:0 0 1rem;padding:0;list-style:none;display:flex;flex-wrap:wrap;gap:.4rem 1.2rem}
.swatch{display:inline-block;width:.8em;height:.8em;border-radius:2px;margin-right:.35em;vertical-align:-.05em}
.meta{margin:.2rem 0;color:#555;font-size:.9rem}
.missing{margin:.3rem 0;padding:.4rem .6rem;background:#fff4e5;border-left:3px solid #e08a00;font-size:.9rem}
figure{margin:.5rem 0 0}
figure svg{max-width:100%;height:auto}
.images{display:flex;flex-wrap:wrap;gap:1rem}
.images img{max-width:100%;height:auto;border:1px solid #ddd}
figcaption{font-size:.85rem;color:#555}
code{font-size:.9em}
`;

export function renderHtml(set: PlotSet, rendered: readonly HtmlPlot[]): string {
  const revisions = set.revisions
    .map((r, i) => {
      const commit = isWorkspace(r) ? 'working tree' : (r.commit ?? '').slice(0, 12);
      return `<li><span class="swatch" style="background:${colour(i).hex}"></span><strong>${escapeHtml(r.name)}</strong> <code>${escapeHtml(commit)}</code></li>`;
    })
    .join('');
  const sections = set.plots.map((plot) => {
    const files = rendered.find((r) => r.id === plot.id);
    const notes = plot.revisions
      .flatMap((r) => (r.state === 'missing' ? [`<p class="missing">Missing at <strong>${escapeHtml(r.revision.name)}</strong>: ${escapeHtml(r.reason)}.</p>`] : []))
      .join('\n');
    const links = files ? ` · <a href="${escapeHtml(files.svgFile)}">SVG</a> · <a href="${escapeHtml(files.pngFile)}">PNG</a>` : '';
    return [
      `<section id="${escapeHtml(plot.id)}">`,
      `<h2>${escapeHtml(plot.title)}</h2>`,
      `<p class="meta"><code>${escapeHtml(plot.path)}</code> · ${escapeHtml(plot.template)}${links}</p>`,
      notes,
      files ? `<figure>${scopeSvgIds(files.svg, plot.id)}</figure>` : '',
      '</section>',
    ]
      .filter(Boolean)
      .join('\n');
  });
  // Image plots, each revision's side by side, inline (the page stays one self-contained file).
  const images = set.images.map((image) =>
    [
      `<section id="${escapeHtml(image.id)}">`,
      `<h2>${escapeHtml(image.title)}</h2>`,
      `<p class="meta"><code>${escapeHtml(image.path)}</code> · image</p>`,
      '<div class="images">',
      ...image.revisions.map((r) =>
        r.state === 'found'
          ? `<figure><img alt="${escapeHtml(`${image.path} at ${r.revision.name}`)}" src="data:${image.mime};base64,${r.bytes.toString('base64')}"><figcaption>${escapeHtml(r.revision.name)}</figcaption></figure>`
          : `<p class="missing">Missing at <strong>${escapeHtml(r.revision.name)}</strong>: ${escapeHtml(r.reason)}.</p>`,
      ),
      '</div>',
      '</section>',
    ].join('\n'),
  );
  sections.push(...images);
  const title = `Plots: ${set.revisions.map((r) => r.name).join(' vs ')}`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="${GENERATOR}">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<link rel="icon" href="data:,">
<title>${escapeHtml(title)}</title>
<style>${STYLE}</style>
</head>
<body>
<h1>${escapeHtml(title)}</h1>
<ul class="revisions">${revisions}</ul>
${sections.length > 0 ? sections.join('\n') : "<p>No plots: pipeline.yaml declares none (a stage's <code>plots:</code>).</p>"}
</body>
</html>
`;
}
