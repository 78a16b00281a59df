/**
 * @module The variables `${}` can name (DVC's context): params.yaml, `vars:` (inline mappings and
 * files), a stage's own `vars:`, and `item`/`key` in foreach and matrix stages. Values that came
 * from a file are remembered, so a stage that uses `${train.lr}` depends on that param.
 */
import { TemplateProblem } from './template-problem.js';

export interface UsedParam {
  readonly file: string;
  readonly key: string;
}

interface Var {
  readonly value: unknown;
  /** The file it was read from; undefined for inline vars and item/key. */
  readonly file: string | undefined;
  /** Where it was defined, for messages: `params.yaml`, `vars[1]`. */
  readonly from: string;
}

export class TemplateContext {
  readonly #vars: Map<string, Var>;
  /** Collects the file-sourced keys looked up through this context (and its children). */
  readonly #onUse: ((p: UsedParam) => void) | undefined;

  /**
   * pipeline.yaml: a `${…}` in `cmd` that names no variable (or is shell syntax, `${N:-3}`) is
   * left for the shell, as before templating existed. dvc.yaml: an error, as in DVC.
   */
  readonly shellInCmd: boolean;

  constructor(vars = new Map<string, Var>(), onUse?: (p: UsedParam) => void, shellInCmd = false) {
    this.#vars = vars;
    this.#onUse = onUse;
    this.shellInCmd = shellInCmd;
  }

  /** Whether a variable of this name (the part before the first `.` or `[`) is defined. */
  has(name: string): boolean {
    return this.#vars.has(name);
  }

  /** A copy that adds `values` (an error names a top-level key both define, unless both are mappings). */
  merged(values: Record<string, unknown>, file: string | undefined, from: string): TemplateContext {
    const vars = new Map(this.#vars);
    for (const [k, v] of Object.entries(values)) {
      const prior = vars.get(k);
      if (prior === undefined) vars.set(k, { value: v, file, from });
      // The same file listed again (params.yaml is read by default and often listed too).
      else if (file !== undefined && prior.file === file) continue;
      else if (isRecord(prior.value) && isRecord(v)) vars.set(k, { ...prior, value: mergeMaps(prior.value, v, k, prior.from, from) });
      else throw new TemplateProblem(`cannot redefine '${k}' from ${from}: it is already defined in ${prior.from}`);
    }
    return new TemplateContext(vars, this.#onUse, this.shellInCmd);
  }

  /** A copy where `name` is `value`, hiding any variable of that name (item, key). */
  with(name: string, value: unknown): TemplateContext {
    const vars = new Map(this.#vars);
    vars.set(name, { value, file: undefined, from: name });
    return new TemplateContext(vars, this.#onUse, this.shellInCmd);
  }

  /** A copy that reports each file-sourced lookup to `onUse`. */
  tracking(onUse: (p: UsedParam) => void): TemplateContext {
    return new TemplateContext(this.#vars, onUse, this.shellInCmd);
  }

  /** The value of a reference such as `train.lr`, `item.key`, `layers[0]`. */
  lookup(ref: string): unknown {
    const parts = ref.split(/\.|(?=\[)/).map((p) => (p.startsWith('[') ? p.slice(1, -1) : p));
    const [top, ...rest] = parts;
    const v = top === undefined ? undefined : this.#vars.get(top);
    if (v === undefined) {
      const known = [...this.#vars.keys()].sort();
      throw new TemplateProblem(`'\${${ref}}': '${top}' is not defined${known.length ? ` (defined: ${known.slice(0, 12).join(', ')}${known.length > 12 ? ', …' : ''})` : ' (no vars are defined)'}`);
    }
    let node: unknown = v.value;
    for (const [i, part] of rest.entries()) {
      if (Array.isArray(node) && /^\d+$/.test(part) && Number(part) < node.length) node = node[Number(part)];
      else if (isRecord(node) && Object.hasOwn(node, part)) node = node[part];
      else throw new TemplateProblem(`'\${${ref}}': '${[top, ...rest.slice(0, i + 1)].join('.')}' is not defined in ${v.from}`);
    }
    if (v.file !== undefined) this.#onUse?.({ file: v.file, key: parts.join('.') });
    return node;
  }
}

function mergeMaps(a: Record<string, unknown>, b: Record<string, unknown>, path: string, fromA: string, fromB: string): Record<string, unknown> {
  const out = { ...a };
  for (const [k, v] of Object.entries(b)) {
    const prior = out[k];
    if (!Object.hasOwn(out, k)) out[k] = v;
    else if (isRecord(prior) && isRecord(v)) out[k] = mergeMaps(prior, v, `${path}.${k}`, fromA, fromB);
    else throw new TemplateProblem(`cannot redefine '${path}.${k}' from ${fromB}: it is already defined in ${fromA}`);
  }
  return out;
}

export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
