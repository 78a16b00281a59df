/** @module The instances of a foreach or matrix stage, named as DVC names them (`build@us`, `build@0`, `train@linux-3.9-cfg0`). */
import type { KeyPath } from '../../yaml/key-path.js';
import { TemplateProblem } from './template-problem.js';
import { isRecord, type TemplateContext } from './template-context.js';
import { resolveValue } from './resolve-value.js';

export interface Iteration {
  /** The suffix after `@`. */
  readonly key: string;
  /** `${item}`. */
  readonly item: unknown;
  /** `${key}` (foreach over a mapping, and matrix). */
  readonly keyVar?: string;
}

export interface Iterations {
  /** The stage definition each instance is made from (`do`, or the stage without `matrix`). */
  readonly body: Record<string, unknown>;
  readonly bodyPath: KeyPath;
  readonly items: readonly Iteration[];
}

type Problem = (path: KeyPath, err: unknown) => void;

export function iterations(name: string, def: Record<string, unknown>, ctx: TemplateContext, problem: Problem): Iterations | undefined {
  const at: KeyPath = ['stages', name];
  if ('foreach' in def) {
    if (!isRecord(def.do)) {
      problem([...at, 'do' in def ? 'do' : 'foreach'], new TemplateProblem(`stage '${name}' has foreach without a 'do' mapping (the stage each item makes)`));
      return undefined;
    }
    const extra = Object.keys(def).filter((k) => k !== 'foreach' && k !== 'do');
    if (extra.length) {
      problem([...at, extra[0] ?? 'foreach'], new TemplateProblem(`stage '${name}': '${extra[0]}' belongs inside 'do' in a foreach stage`));
      return undefined;
    }
    const over = resolveValue(def.foreach, ctx, [...at, 'foreach'], problem);
    const items = foreachItems(over);
    if (!items) {
      problem([...at, 'foreach'], new TemplateProblem(`stage '${name}': foreach needs a list or a mapping (or a \${var} that is one)`));
      return undefined;
    }
    return { body: def.do, bodyPath: [...at, 'do'], items };
  }
  const { matrix, ...body } = def;
  if (!isRecord(matrix) || Object.keys(matrix).length === 0) {
    problem([...at, 'matrix'], new TemplateProblem(`stage '${name}': matrix needs a mapping of names to lists`));
    return undefined;
  }
  const axes: [string, unknown[]][] = [];
  for (const [k, raw] of Object.entries(matrix)) {
    const v = resolveValue(raw, ctx, [...at, 'matrix', k], problem);
    if (!Array.isArray(v)) {
      problem([...at, 'matrix', k], new TemplateProblem(`stage '${name}': matrix entry '${k}' needs a list (or a \${var} that is one)`));
      return undefined;
    }
    axes.push([k, v]);
  }
  let combos: { frags: string[]; item: Record<string, unknown> }[] = [{ frags: [], item: {} }];
  for (const [k, values] of axes) {
    combos = combos.flatMap((c) => values.map((v, i) => ({ frags: [...c.frags, isComposite(v) ? `${k}${i}` : keyText(v)], item: { ...c.item, [k]: v } })));
  }
  const items = combos.map((c) => {
    const key = c.frags.join('-');
    return { key, item: c.item, keyVar: key };
  });
  return { body, bodyPath: at, items };
}

function foreachItems(over: unknown): Iteration[] | undefined {
  if (isRecord(over)) return Object.entries(over).map(([k, v]) => ({ key: k, item: v, keyVar: k }));
  if (!Array.isArray(over)) return undefined;
  // A list of mappings or lists is named by index; a list of plain values by the values.
  if (over.some(isComposite)) return over.map((v, i) => ({ key: String(i), item: v }));
  return over.map((v) => ({ key: keyText(v), item: v }));
}

function isComposite(v: unknown): boolean {
  return typeof v === 'object' && v !== null;
}

/** Python's str() of a plain value, as DVC writes it into a stage name. */
function keyText(v: unknown): string {
  if (v === true) return 'true';
  if (v === false) return 'false';
  if (v === null || v === undefined) return 'None';
  return String(v);
}
