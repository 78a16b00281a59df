/** @module Plot template names: pipe's own, and DVC's names for the same charts. */

/** DVC's template names that pipe draws with a template of another name. */
const DVC_NAMES: Readonly<Record<string, string>> = {
  simple: 'linear',
  bar_horizontal: 'bar',
  bar_horizontal_sorted: 'bar',
};

/** The template pipe draws for `name` (DVC's names included); other names pass through for the renderer to judge. */
export function pipeTemplate(name: string): string {
  return DVC_NAMES[name] ?? name;
}
