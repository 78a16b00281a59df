/**
 * @module DVC's templating expanded: `vars`, `${}`, `foreach`/`do` and `matrix` stages made into
 * plain stages. Loaded by expandTemplate only for a file that uses templating.
 */
import { posix } from 'node:path';
import type { KeyPath } from '../../yaml/key-path.js';
import { TemplateContext, isRecord, type UsedParam } from './template-context.js';
import { TemplateProblem } from './template-problem.js';
import { resolveValue } from './resolve-value.js';
import { iterations } from './iterations.js';
import { loadVars, type VarsReader } from './load-vars.js';
import type { ExpandOptions, Expanded, TemplateIssue } from './expanded.js';

/** Sections outside `stages` that DVC interpolates with the file's vars. */
const TOP_SECTIONS = ['metrics', 'plots', 'params', 'artifacts'] as const;

export async function expandTemplated(doc: Record<string, unknown>, read: VarsReader, { shellInCmd = false, dir = '.' }: ExpandOptions): Promise<Expanded> {
  const origins = new Map<string, KeyPath>();
  const used = new Map<string, UsedParam[]>();
  const issues: TemplateIssue[] = [];
  const problem = (path: KeyPath, err: unknown) => {
    if (err instanceof TemplateProblem) issues.push({ path, message: err.message });
    else throw err;
  };

  const ctx = await loadVars({ ctx: new TemplateContext(undefined, undefined, shellInCmd), vars: doc.vars, path: ['vars'], wdir: dir, read, problem, withDefault: true });
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(doc)) {
    if (k === 'vars') continue;
    if (k === 'stages') continue;
    out[k] = (TOP_SECTIONS as readonly string[]).includes(k) ? resolveValue(v, ctx, [k], problem) : v;
  }
  if (!isRecord(doc.stages)) {
    if (doc.stages !== undefined) out.stages = doc.stages;
    return { value: out, issues, origins, used, templated: true };
  }
  const stages: Record<string, unknown> = {};
  const define = (name: string, path: KeyPath, body: unknown) => {
    if (Object.hasOwn(stages, name)) problem(path, new TemplateProblem(`generates stage '${name}', which is already defined`));
    else stages[name] = body;
  };
  for (const [name, def] of Object.entries(doc.stages)) {
    const at: KeyPath = ['stages', name];
    if (!isRecord(def)) {
      define(name, at, def);
      continue;
    }
    const looping = 'foreach' in def || 'matrix' in def;
    if ('foreach' in def && 'matrix' in def) {
      problem(at, new TemplateProblem(`stage '${name}' has both foreach and matrix; use one`));
      continue;
    }
    if ('do' in def && !('foreach' in def)) {
      problem([...at, 'do'], new TemplateProblem(`stage '${name}' has 'do' without 'foreach'`));
      continue;
    }
    if (!looping) {
      const s = await resolveStage(def, ctx, at, name, dir, read, problem, used);
      if (s !== undefined) define(name, at, s);
      continue;
    }
    const gen = iterations(name, def, ctx, problem);
    if (!gen) continue;
    for (const { key, item, keyVar } of gen.items) {
      const full = `${name}@${key}`;
      let local = ctx.with('item', item);
      if (keyVar !== undefined) local = local.with('key', keyVar);
      const s = await resolveStage(gen.body, local, gen.bodyPath, full, dir, read, problem, used);
      if (s === undefined) continue;
      origins.set(full, gen.bodyPath);
      define(full, at, s);
    }
  }
  out.stages = stages;
  return { value: out, issues, origins, used, templated: true };
}

async function resolveStage(
  body: Record<string, unknown>,
  outer: TemplateContext,
  path: KeyPath,
  name: string,
  dir: string,
  read: VarsReader,
  problem: (path: KeyPath, err: unknown) => void,
  used: Map<string, UsedParam[]>,
): Promise<Record<string, unknown> | undefined> {
  const seen = new Map<string, UsedParam>();
  let ctx = outer.tracking((p) => seen.set(`${p.file}\0${p.key}`, p));
  const { vars, ...rest } = body;
  if (vars !== undefined) {
    const wdir = typeof rest.wdir === 'string' ? resolveValue(rest.wdir, ctx, [...path, 'wdir'], problem) : '.';
    ctx = await loadVars({ ctx, vars, path: [...path, 'vars'], wdir: posix.join(dir, typeof wdir === 'string' ? wdir : '.'), read, problem, withDefault: false });
  }
  const resolved = resolveValue(rest, ctx, path, problem);
  if (seen.size) used.set(name, [...seen.values()]);
  return isRecord(resolved) ? resolved : undefined;
}
