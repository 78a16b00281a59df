/** @module The DejaVu font files that PNGs are drawn with, from the dejavu-fonts-ttf package (no system fonts needed). */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { PipeError } from '../../runner/index.js';

const FACES = ['DejaVuSans.ttf', 'DejaVuSans-Bold.ttf'];

let cached: string[] | undefined;

/** Absolute paths of the regular and bold faces; found from this file, which works from the TS sources and from dist/. */
export function fontFiles(): string[] {
  if (cached) return cached;
  let dir: string;
  try {
    dir = join(dirname(createRequire(import.meta.url).resolve('dejavu-fonts-ttf/package.json')), 'ttf');
  } catch (err) {
    throw new PipeError('PLOT_FAILED', "the font package 'dejavu-fonts-ttf' is not installed; run 'npm ci'", { path: 'dejavu-fonts-ttf' }, { cause: err });
  }
  cached = FACES.map((f) => join(dir, f)).filter((f) => existsSync(f));
  if (cached.length === 0) throw new PipeError('PLOT_FAILED', `no DejaVu font files in ${dir}; run 'npm ci'`, { path: dir });
  return cached;
}
