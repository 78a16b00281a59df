/** @module Makes the ids inside one SVG unique to it, so several SVGs inlined in one page do not take each other's gradients and clips. */

/** Prefixes every `id="…"` and every reference to one (`url(#…)`, `href="#…"`) with `prefix-`. */
export function scopeSvgIds(svg: string, prefix: string): string {
  return svg
    .replace(/\bid="([^"]+)"/g, (_m, id: string) => `id="${prefix}-${id}"`)
    .replace(/url\(#([^)]+)\)/g, (_m, id: string) => `url(#${prefix}-${id})`)
    .replace(/\bhref="#([^"]+)"/g, (_m, id: string) => `href="#${prefix}-${id}"`);
}
