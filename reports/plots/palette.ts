/** @module The colours of revisions (and fields) in every rendering: Vega's tableau10, with names for text-only charts. */

const COLOURS = [
  ['#4c78a8', 'blue'],
  ['#f58518', 'orange'],
  ['#e45756', 'red'],
  ['#72b7b2', 'teal'],
  ['#54a24b', 'green'],
  ['#eeca3b', 'yellow'],
  ['#b279a2', 'purple'],
  ['#ff9da6', 'pink'],
  ['#9d755d', 'brown'],
  ['#bab0ac', 'grey'],
] as const;

/** The i-th colour (cycling): the i-th revision of a set keeps its colour even when another revision is missing. */
export function colour(i: number): { readonly hex: string; readonly name: string } {
  const [hex, name] = COLOURS[i % COLOURS.length] ?? COLOURS[0];
  return { hex, name };
}

/** The font of every text in plots; its files ship with the dejavu-fonts-ttf package, so PNGs render without system fonts. */
export const FONT_FAMILY = 'DejaVu Sans';
