/** @module Turns raw JSON Schema errors into one readable, located issue per problem. */
import type { SpecIssue } from '../errors.js';
import type { SchemaError } from './pipeline-validator.js';
import { formatKeyPath, type KeyPath, type YamlSource } from '../yaml/key-path.js';
import { didYouMean } from '../text/did-you-mean.js';

const ARTICLE: Record<string, string> = {
  string: 'a string',
  array: 'a list',
  object: 'a mapping',
  boolean: 'true or false',
  number: 'a number',
  integer: 'a whole number',
  null: 'empty',
};

function toKeyPath(instancePath: string): (string | number)[] {
  if (!instancePath) return [];
  return instancePath
    .slice(1)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((s) => (/^\d+$/.test(s) ? Number(s) : s));
}

/**
 * ajv reports every failed branch of a `oneOf`; a person wants the deepest problem only.
 * We keep the errors at the deepest paths, merge type errors at one path, and word each.
 */
export function schemaIssues(source: YamlSource, errors: readonly SchemaError[]): SpecIssue[] {
  const real = errors.filter((e) => e.keyword !== 'oneOf' && e.keyword !== 'anyOf' && e.keyword !== 'if');
  // A type error is one failed branch of a oneOf; drop it when another branch got further
  // (an error deeper down, or a non-type error at the same place).
  const deepest = real.filter(
    (e) =>
      e.keyword !== 'type' ||
      !real.some(
        (o) => o !== e && (o.instancePath.startsWith(`${e.instancePath}/`) || (o.instancePath === e.instancePath && o.keyword !== 'type')),
      ),
  );
  const byPath = new Map<string, SchemaError[]>();
  for (const e of deepest) {
    const list = byPath.get(e.instancePath) ?? [];
    list.push(e);
    byPath.set(e.instancePath, list);
  }
  const issues: SpecIssue[] = [];
  for (const [instancePath, list] of byPath) {
    const path = toKeyPath(instancePath);
    const types = [...new Set(list.filter((e) => e.keyword === 'type').flatMap((e) => [e.params.type].flat() as string[]))];
    const seen = new Set<string>();
    if (types.length) {
      seen.add('type');
      issues.push(issue(source, path, `must be ${types.map((t) => ARTICLE[t] ?? t).join(' or ')}`));
    }
    for (const e of list) {
      if (seen.has(e.keyword) && e.keyword === 'type') continue;
      const one = wordError(source, path, e);
      const key = `${one.key}|${one.message}`;
      if (!seen.has(key)) {
        seen.add(key);
        issues.push(one);
      }
    }
  }
  return issues;
}

function issue(source: YamlSource, path: KeyPath, message: string, key?: string): SpecIssue {
  const where = source.locate(path, key);
  const full = key === undefined ? path : [...path, key];
  return { file: source.file, ...where, key: formatKeyPath(full) || undefined, message };
}

function wordError(source: YamlSource, path: KeyPath, e: SchemaError): SpecIssue {
  const p = e.params;
  switch (e.keyword) {
    case 'required':
      return issue(source, path, `missing required field '${String(p.missingProperty)}'`);
    case 'additionalProperties': {
      const name = String(p.additionalProperty);
      return issue(source, path, unknownField(path, name), name);
    }
    case 'enum':
      return issue(source, path, `must be one of: ${(p.allowedValues as unknown[]).join(', ')}`);
    case 'minItems':
    case 'minLength':
    case 'minProperties':
      return issue(source, path, 'must not be empty');
    case 'maxProperties':
      return issue(source, path, 'must name exactly one path (write `- path: {flags}`)');
    case 'propertyNames':
    case 'pattern':
    case 'maxLength': {
      // Registry names follow GTO's grammar (runner/registry/tag-name.ts), as git tags can hold them; stage names are freer
      // (and may carry the dvc.yaml they came from, as `pipe import dvc` writes them: `sub/dvc.yaml:train`).
      const rule =
        path[0] === 'artifacts' || path[0] === 'registry'
          ? "use lowercase letters, digits, '-' and '/', starting and ending with a letter or digit (GTO's names), never '//', at most 200 characters (a git tag holds it)"
          : "use letters, digits, '_', '.' and '-' (after 'dir/dvc.yaml:' for a stage imported from a dvc.yaml below the root)";
      const name = e.propertyName ?? (p.propertyName === undefined ? undefined : String(p.propertyName));
      if (name === undefined) return issue(source, path, `is invalid: ${rule}`);
      return issue(source, path, `name '${name}' is invalid: ${rule}`, name);
    }
    case 'uniqueItems':
      return issue(source, path, `must not list the same value twice (entries ${Math.min(Number(p.i), Number(p.j)) + 1} and ${Math.max(Number(p.i), Number(p.j)) + 1})`);
    case 'minimum':
      return issue(source, path, `must be ${String(p.comparison)} ${String(p.limit)}`);
    default:
      return issue(source, path, e.message ?? e.keyword);
  }
}

const ALLOWED: Record<string, readonly string[]> = {
  stage: ['cmd', 'wdir', 'deps', 'params', 'outs', 'metrics', 'plots', 'env', 'always_changed', 'frozen', 'desc'],
  out: ['cache', 'persist', 'desc'],
  plot: ['cache', 'persist', 'template', 'x', 'y', 'title', 'x_label', 'y_label'],
  gate: ['metric', 'min', 'max', 'max_drop', 'max_rise', 'required', 'branches'],
  top: ['stages', 'gates', 'artifacts', 'registry'],
  artifact: ['path', 'type', 'desc', 'labels', 'meta'],
  registry: ['stages'],
};

/** `unknown field 'outz' in stage 'train'; did you mean 'outs'?`, or the fields allowed there when none is close. */
function unknownField(path: KeyPath, name: string): string {
  const [a, b, c, , e] = path;
  let kind: string | undefined;
  let where = '';
  if (path.length === 0) [kind, where] = ['top', ' at the top level'];
  else if (a === 'stages' && path.length === 2) [kind, where] = ['stage', ` in stage '${String(b)}'`];
  else if (a === 'stages' && (c === 'outs' || c === 'metrics') && path.length === 5) [kind, where] = ['out', ` of ${String(c)} entry '${String(e)}' in stage '${String(b)}'`];
  else if (a === 'stages' && c === 'plots' && path.length === 5) [kind, where] = ['plot', ` of plot '${String(e)}' in stage '${String(b)}'`];
  else if (a === 'gates' && path.length === 2) [kind, where] = ['gate', ` in gate rule ${Number(b) + 1}`];
  else if (a === 'artifacts' && path.length === 2) [kind, where] = ['artifact', ` of artifact '${String(b)}'`];
  else if (a === 'registry' && path.length === 1) [kind, where] = ['registry', ' in registry'];
  const allowed = kind ? ALLOWED[kind] : undefined;
  if (!allowed) return `unknown field '${name}'`;
  return `unknown field '${name}'${where}${didYouMean(name, allowed) || ` (expected one of: ${allowed.join(', ')})`}`;
}
