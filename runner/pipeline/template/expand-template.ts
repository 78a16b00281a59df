/**
 * @module DVC's templating, for pipeline.yaml and dvc.yaml alike: `vars`, `${}`, `foreach`/`do`
 * and `matrix` stages expanded into plain stages, before the file is validated. Every problem
 * is returned with the key path (in the file as written) of the construct it is about. A file
 * without templating (the common case) is returned as it is, and the expander's modules
 * (expand-templated.ts and what it imports) are not loaded.
 */
import type { UsedParam } from './template-context.js';
import type { VarsReader } from './load-vars.js';
import type { ExpandOptions, Expanded, TemplateIssue } from './expanded.js';

export type { VarsReader, UsedParam, ExpandOptions, Expanded, TemplateIssue };

export async function expandTemplate(doc: unknown, read: VarsReader, options: ExpandOptions = {}): Promise<Expanded> {
  if (!isRecord(doc) || !needsTemplating(doc)) return { value: doc, issues: [], origins: new Map(), used: new Map(), templated: false };
  const { expandTemplated } = await import('./expand-templated.js');
  return expandTemplated(doc, read, options);
}

/** Whether anything in the file uses templating (the common plain file skips the work, params.yaml unread). */
function needsTemplating(doc: Record<string, unknown>): boolean {
  if ('vars' in doc) return true;
  if (isRecord(doc.stages)) {
    for (const s of Object.values(doc.stages)) {
      if (isRecord(s) && ('foreach' in s || 'matrix' in s || 'vars' in s || 'do' in s)) return true;
    }
  }
  return mentionsTemplate(doc);
}

function mentionsTemplate(v: unknown): boolean {
  const stack: unknown[] = [v];
  while (stack.length) {
    const x = stack.pop();
    if (typeof x === 'string') {
      if (x.includes('${')) return true;
    } else if (Array.isArray(x)) stack.push(...x);
    else if (isRecord(x)) for (const [k, y] of Object.entries(x)) stack.push(k, y);
  }
  return false;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
