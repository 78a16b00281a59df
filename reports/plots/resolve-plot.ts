/** @module Turns a declared plot (props) and its rows at each revision into a Plot: template, fields and labels, with DVC's defaults. */
import { PipeError, isWorkspace, type PlotProps, type RepoPath, type Revision } from '../../runner/index.js';
import { TEMPLATES, isConfusion, type Plot, type PlotAtRevision, type PlotRow, type Template } from './plot.js';

export interface DeclaredPlot {
  readonly id: string;
  readonly path: RepoPath;
  readonly props: PlotProps;
  readonly revisions: readonly PlotAtRevision[];
}

/**
 * Defaults: template `linear`; x the row index (`step`), or `actual` for confusion templates;
 * y the last field of the data that is not x, or `predicted` for confusion templates. A revision
 * whose rows lack a field the plot names is missing (with the reason); when every revision that
 * has the file lacks one, the plot itself is wrong: PLOT_FAILED naming the file, field and revision.
 */
export function resolvePlot(declared: DeclaredPlot, warnings: string[]): Plot {
  const { id, path, props } = declared;
  const template = templateOf(props.template, path, warnings);
  const confusion = isConfusion(template);
  const x = props.x ?? (confusion ? 'actual' : undefined);
  const newest = [...declared.revisions].reverse().find((r) => r.state === 'found');
  const y = props.y === undefined ? defaultY(confusion, x, newest?.state === 'found' ? newest.rows : []) : typeof props.y === 'string' ? [props.y] : props.y;
  const needed = confusion ? [x as string, ...y.slice(0, 1)] : [...(x === undefined ? [] : [x]), ...y];
  const numeric = template === 'linear' || template === 'scatter' || template === 'smooth' || template === 'bar' ? y : [];

  const failures: { revision: Revision; reason: string; field: string }[] = [];
  const revisions = declared.revisions.map((r): PlotAtRevision => {
    if (r.state !== 'found') return r;
    const problem = fieldProblem(r.rows, needed, numeric);
    if (!problem) return r;
    failures.push({ revision: r.revision, ...problem });
    return { revision: r.revision, state: 'missing', reason: problem.reason };
  });
  const first = failures[0];
  if (first && !revisions.some((r) => r.state === 'found')) {
    const all = failures.map((f) => `${isWorkspace(f.revision) ? 'in the workspace' : `at ${f.revision.name}`} ${f.reason}`).join('; ');
    throw new PipeError(
      'PLOT_FAILED',
      `cannot plot ${path}: ${all}; fix the plot's x/y in pipeline.yaml (template ${template}) or the stage that writes the file`,
      { path, revision: first.revision.name },
    );
  }
  return {
    id,
    path,
    title: props.title ?? path,
    template,
    ...(x === undefined ? {} : { x }),
    y,
    xLabel: props.x_label ?? x ?? 'step',
    yLabel: props.y_label ?? (confusion ? (y[0] ?? 'predicted') : y.join(', ')),
    props,
    revisions,
  };
}

function templateOf(raw: string | undefined, path: string, warnings: string[]): Template {
  if (raw === undefined) return 'linear';
  if ((TEMPLATES as readonly string[]).includes(raw)) return raw as Template;
  warnings.push(`${path}: unknown template '${raw}' (known: ${TEMPLATES.join(', ')}); drawn as linear`);
  return 'linear';
}

function defaultY(confusion: boolean, x: string | undefined, rows: readonly PlotRow[]): string[] {
  if (confusion) return ['predicted'];
  const fields = Object.keys(rows[0] ?? {}).filter((f) => f !== x);
  const last = fields[fields.length - 1];
  return last === undefined ? [] : [last];
}

/** The first field no row has (or, for y of drawn values, that holds no number), as a reason naming it. */
function fieldProblem(rows: readonly PlotRow[], needed: readonly string[], numeric: readonly string[]): { field: string; reason: string } | undefined {
  if (needed.length === 0) return { field: '', reason: 'it has no field to plot (its records are empty)' };
  const fields = [...new Set(rows.flatMap((r) => Object.keys(r)))];
  for (const field of needed) {
    if (!rows.some((r) => r[field] !== undefined)) {
      return { field, reason: `it has no field '${field}' (its fields: ${fields.join(', ') || 'none'})` };
    }
  }
  for (const field of numeric) {
    if (!rows.some((r) => typeof r[field] === 'number' && Number.isFinite(r[field]))) {
      return { field, reason: `it has no numbers in field '${field}'` };
    }
  }
  return undefined;
}
