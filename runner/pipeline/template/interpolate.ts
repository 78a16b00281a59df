/**
 * @module DVC's `${}` interpolation: a string that is one `${expr}` keeps the value's type, `${}`
 * inside text is turned into text, `\${` is a literal `${`, and a mapping in `cmd` unpacks into
 * `--key value` arguments (DVC's defaults: booleans `store_true`, lists `nargs`).
 */
import type { TemplateContext } from './template-context.js';

import { TemplateProblem } from './template-problem.js';

export { TemplateProblem };

const EXPR = /(\\)?\$\{([^}]*)\}/g;
/** What `${}` may hold: a name, dotted keys, `[index]`. */
const REFERENCE = /^[A-Za-z_][\w-]*(?:\.[\w-]+|\[\d+\])*$/;

export interface InterpolateOptions {
  /** The string is (part of) a `cmd`: mappings unpack into arguments. */
  readonly cmd?: boolean;
}

/** The value of `text` with every `${}` replaced; non-strings pass through. */
export function interpolate(text: string, ctx: TemplateContext, { cmd = false }: InterpolateOptions = {}): unknown {
  if (!text.includes('${')) return text;
  const shell = cmd && ctx.shellInCmd;
  const forShell = (inner: string) => {
    const e = inner.trim();
    return shell && (!REFERENCE.test(e) || !ctx.has(e.split(/[.[]/)[0] ?? e));
  };
  const whole = /^\$\{([^}]*)\}$/.exec(text);
  if (whole && !forShell(whole[1] ?? '')) return ctx.lookup(expression(whole[1] ?? ''));
  const out = text.replace(EXPR, (match, escaped: string | undefined, inner: string) => {
    if (escaped) return match.slice(1);
    if (forShell(inner)) return match;
    return toText(ctx.lookup(expression(inner)), inner.trim(), cmd);
  });
  // What is left is a `${` with no closing brace: DVC would reject it too, a shell would mangle it.
  if (!shell && text.replace(EXPR, '').includes('${')) throw new TemplateProblem(`'\${' is not closed in '${text}' (write '\\\${' for a literal '\${')`);
  return out;
}

function expression(inner: string): string {
  const e = inner.trim();
  if (e === '') throw new TemplateProblem("'${}' names no variable");
  if (!REFERENCE.test(e)) {
    throw new TemplateProblem(`'\${${inner}}' is not a variable reference (pipe reads names, dotted keys and [index]; expressions are not supported)`);
  }
  return e;
}

function toText(v: unknown, name: string, cmd: boolean): string {
  if (v === null || v === undefined) return 'None';
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (typeof v === 'string' || typeof v === 'number') return String(v);
  if (cmd && isRecord(v)) return unpack(v, '');
  const kind = Array.isArray(v) ? 'a list' : 'a mapping';
  const hint = cmd ? '' : ' (a mapping unpacks into --key value arguments only in cmd)';
  throw new TemplateProblem(`'\${${name}}' is ${kind}; only strings, numbers and booleans can be put inside text${hint}`);
}

/** A mapping as command-line arguments: `--key value`, `--flag` for true, nothing for false, `--key a b` for a list. */
function unpack(v: Record<string, unknown>, prefix: string): string {
  const parts: string[] = [];
  for (const [k, value] of Object.entries(v)) {
    const key = prefix ? `${prefix}.${k}` : k;
    if (isRecord(value)) {
      const inner = unpack(value, key);
      if (inner) parts.push(inner);
    } else if (value === true) parts.push(`--${key}`);
    else if (value === false) continue;
    else if (Array.isArray(value)) parts.push(`--${key} ${value.map((x) => toText(x, key, false)).join(' ')}`);
    else parts.push(`--${key} ${toText(value, key, false)}`);
  }
  return parts.join(' ');
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
