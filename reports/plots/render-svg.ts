/** @module Renders a vega-lite spec to SVG headlessly (vega's SVG string renderer: no browser, no canvas). */
import type * as VegaModule from 'vega';
import type * as VegaLiteModule from 'vega-lite';
import type { VegaLiteSpec } from './chart-config.js';

type Vega = typeof VegaModule;
type VegaLite = typeof VegaLiteModule;

let libraries: Promise<[Vega, VegaLite]> | undefined;

/** Vega and vega-lite take ~0.3 s to import: only the commands that draw load them, once. */
function loadLibraries(): Promise<[Vega, VegaLite]> {
  return (libraries ??= Promise.all([import('vega'), import('vega-lite')]));
}

export async function renderSvg(spec: VegaLiteSpec): Promise<string> {
  const [vega, vl] = await loadLibraries();
  // Warnings (a dropped null, an empty extent) would end up on stderr mid-output; the data checks
  // in resolve-plot.ts report what matters.
  const quiet = vega.logger(vega.None);
  const compiled = vl.compile(spec as unknown as VegaLiteModule.TopLevelSpec, { logger: quiet }).spec;
  const view = new vega.View(vega.parse(compiled), { renderer: 'none', logLevel: vega.None });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}
