/** @module Parses YAML (or JSON) text into a YamlSource that can tell where any of its keys came from. */
import { LineCounter, isAlias, isMap, isPair, isScalar, isSeq, parseDocument, type Document, type Node } from 'yaml';
import type { SpecIssue } from '../errors.js';
import type { KeyPath, YamlSource } from './key-path.js';
import { MAX_DEPTH, valueShapeProblem } from './value-shape.js';
import { plainSyntaxError } from './syntax-hint.js';

/** Aliases one document may expand (yaml's guard against "billion laughs" alias bombs). */
const MAX_ALIAS_COUNT = 1000;

export interface ParseYamlOptions {
  /**
   * The file holds secrets (config.local.yaml): messages name the line, column and kind of
   * problem, never the text found there (the parser's own messages quote it).
   */
  readonly secret?: boolean;
}

export function parseYamlSource(file: string, text: string, { secret = false }: ParseYamlOptions = {}): YamlSource {
  const lineCounter = new LineCounter();
  // uniqueKeys is off: the library compares each key with every earlier one (quadratic in the
  // size of a mapping); duplicates are found below with one Set per mapping.
  // logLevel 'error': the library's warnings go to process.emitWarning (stderr) and quote the text, a secret perhaps.
  const doc: Document = parseDocument(text, { lineCounter, uniqueKeys: false, prettyErrors: false, logLevel: 'error' });
  const at = (offset: number) => {
    const p = lineCounter.linePos(offset);
    return { line: p.line, column: p.col };
  };
  // Only the first problem is reported: the ones after it mostly repeat it in the parser's words.
  const problems = doc.errors.length ? doc.errors : doc.warnings;
  // The library catches its own stack overflow on very deep nesting, once per level: say it once, plainly.
  const overflow = problems.find((e) => /call stack/i.test(e.message));
  const first = problems[0];
  const syntaxIssues: SpecIssue[] = [];
  if (overflow) syntaxIssues.push({ file, ...at(overflow.pos[0]), message: `nesting is too deep to read (keep it under ${MAX_DEPTH} levels)` });
  else if (first) {
    const plain = plainSyntaxError(doc, text, problems, secret);
    syntaxIssues.push({ file, ...at(plain.offset), message: plain.message });
  }
  // A broken file's duplicate keys would be guesses about a tree the parser could not build.
  const duplicates = doc.errors.length ? [] : duplicateKeys(doc);
  for (const d of duplicates) {
    syntaxIssues.push({ file, ...at(d.offset), message: secret ? 'duplicate key (each name may appear only once)' : `duplicate key '${d.key}' (each name may appear only once)` });
  }
  let value: unknown;
  if (doc.errors.length === 0 && duplicates.length === 0) {
    let problem: { offset: number; message: string } | undefined;
    try {
      value = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
    } catch (err) {
      // Unknown aliases and alias bombs: the library throws while building the value.
      problem = { offset: aliasOffset(doc, err), message: aliasMessage(err, secret) };
    }
    const shape = problem ? undefined : valueShapeProblem(value);
    if (shape) problem = { offset: 0, message: shape };
    if (problem) {
      syntaxIssues.push({ file, ...at(problem.offset), message: problem.message });
      value = undefined;
    }
  }

  const locate = (path: KeyPath, key?: string) => {
    for (let n = path.length; n >= 0; n--) {
      const node = doc.getIn(path.slice(0, n), true) as Node | undefined;
      if (!node?.range) continue;
      if (n === path.length && key !== undefined && isMap(node)) {
        const keyNode = keyOf(node, key);
        if (keyNode?.range) return at(keyNode.range[0]);
      }
      if (n < path.length && n > 0) {
        // path[n] is missing: point at the key of the entry that should hold it (`train:`), not at that entry's first child.
        const parent = doc.getIn(path.slice(0, n - 1), true);
        const keyNode = isMap(parent) ? keyOf(parent, path[n - 1]) : undefined;
        if (keyNode?.range) return at(keyNode.range[0]);
      }
      return at(node.range[0]);
    }
    return undefined;
  };
  return { file, value, syntaxIssues, locate };
}

function keyOf(map: unknown, key: string | number | undefined): (Node & { range?: [number, number, number] | null }) | undefined {
  if (!isMap(map)) return undefined;
  const pair = map.items.find((p) => isPair(p) && isScalar(p.key) && String(p.key.value) === String(key));
  return pair && isScalar(pair.key) ? pair.key : undefined;
}

/** Keys that appear twice in one mapping (at their second occurrence), found without recursion. */
function duplicateKeys(doc: Document): { key: string; offset: number }[] {
  const found: { key: string; offset: number }[] = [];
  const stack: unknown[] = [doc.contents];
  while (stack.length) {
    const node = stack.pop();
    if (isMap(node)) {
      const seen = new Set<string>();
      for (const pair of node.items) {
        if (isScalar(pair.key)) {
          const k = String(pair.key.value);
          if (seen.has(k)) found.push({ key: k, offset: pair.key.range?.[0] ?? 0 });
          seen.add(k);
        } else if (pair.key !== null) {
          stack.push(pair.key);
        }
        stack.push(pair.value);
      }
    } else if (isSeq(node)) {
      for (const item of node.items) stack.push(item);
    }
  }
  return found.sort((a, b) => a.offset - b.offset);
}

/** Where the alias the library rejected is: the first alias named in its message, else the start. */
function aliasOffset(doc: Document, err: unknown): number {
  const name = /: (\S+)$/.exec(String((err as Error)?.message))?.[1];
  const stack: unknown[] = [doc.contents];
  while (stack.length) {
    const node = stack.pop();
    if (isAlias(node) && (name === undefined || node.source === name)) return node.range?.[0] ?? 0;
    if (isMap(node)) for (const p of node.items) stack.push(p.value, p.key);
    else if (isSeq(node)) for (const item of node.items) stack.push(item);
  }
  return 0;
}

function aliasMessage(err: unknown, secret: boolean): string {
  const m = String((err as Error)?.message);
  if (/excessive alias count/i.test(m)) return `aliases expand to too much data (more than ${MAX_ALIAS_COUNT} alias uses); write the values out instead`;
  if (/unresolved alias/i.test(m)) return secret ? 'an alias refers to an anchor that is not defined before it' : `${firstLine(m)}`;
  return secret ? 'the aliases in this file cannot be resolved' : `cannot resolve aliases: ${firstLine(m)}`;
}

function firstLine(s: string): string {
  return s.split('\n')[0] ?? s;
}
