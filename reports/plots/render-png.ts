/** @module Rasterises an SVG to PNG with resvg (native, no browser), at twice the SVG's size for sharp text. */
import { FONT_FAMILY } from './palette.js';
import { fontFiles } from './font-files.js';

const SCALE = 2;

/** Runs on libuv's thread pool, so several plots rasterise in parallel. */
export async function renderPng(svg: string): Promise<Uint8Array> {
  const { renderAsync } = await import('@resvg/resvg-js');
  const image = await renderAsync(svg, {
    font: { fontFiles: fontFiles(), loadSystemFonts: false, defaultFontFamily: FONT_FAMILY, sansSerifFamily: FONT_FAMILY },
    fitTo: { mode: 'zoom', value: SCALE },
    background: 'white',
  });
  return image.asPng();
}
