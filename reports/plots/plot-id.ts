/** @module File-name-safe, unique ids for plots, derived from their data files' paths. */

/** `plots/roc.json` → `plots-roc`; a second plot with the same id gets `-2`, `-3`, … */
export function plotIds(paths: readonly string[]): string[] {
  const used = new Set<string>();
  return paths.map((p) => {
    const base =
      p
        .replace(/\.[^./]+$/, '')
        .replace(/\//g, '-')
        .replace(/[^A-Za-z0-9._-]/g, '_')
        .replace(/^[.-]+/, '') || 'plot';
    let id = base;
    for (let n = 2; used.has(id.toLowerCase()) || id.toLowerCase() === 'index'; n++) id = `${base}-${n}`;
    used.add(id.toLowerCase());
    return id;
  });
}
