/** @module Parses YAML (or JSON) text into a YamlSource that can tell where any of its keys came from. */
import { LineCounter, parseDocument, isMap, isPair, isScalar, type Document, type Node } from 'yaml';
import type { SpecIssue } from '../errors.js';
import type { KeyPath, YamlSource } from './key-path.js';

export function parseYamlSource(file: string, text: string): YamlSource {
  const lineCounter = new LineCounter();
  const doc: Document = parseDocument(text, { lineCounter, uniqueKeys: true, prettyErrors: false });
  const at = (offset: number) => {
    const p = lineCounter.linePos(offset);
    return { line: p.line, column: p.col };
  };
  const syntaxIssues: SpecIssue[] = [...doc.errors, ...doc.warnings].map((e) => ({
    file,
    ...at(e.pos[0]),
    message: e.code === 'DUPLICATE_KEY' ? duplicateKeyMessage(text, e.pos) : firstLine(e.message),
  }));
  const value = doc.errors.length ? undefined : doc.toJS({ maxAliasCount: 1000 });

  const locate = (path: KeyPath, key?: string) => {
    for (let n = path.length; n >= 0; n--) {
      const node = doc.getIn(path.slice(0, n), true) as Node | undefined;
      if (!node?.range) continue;
      if (n === path.length && key !== undefined && isMap(node)) {
        const pair = node.items.find((p) => isPair(p) && isScalar(p.key) && String(p.key.value) === key);
        const keyNode = pair && isScalar(pair.key) ? pair.key : undefined;
        if (keyNode?.range) return at(keyNode.range[0]);
      }
      if (n < path.length) {
        // Point at the key of the missing child's parent entry rather than the whole map.
        const parent = doc.getIn(path.slice(0, n), true);
        if (isMap(parent)) {
          const pair = parent.items.find((p) => isScalar(p.key) && String(p.key.value) === String(path[n]));
          if (pair && isScalar(pair.key) && pair.key.range) return at(pair.key.range[0]);
        }
      }
      return at(node.range[0]);
    }
    return undefined;
  };
  return { file, value, syntaxIssues, locate };
}

function firstLine(s: string): string {
  return s.split('\n')[0] ?? s;
}

function duplicateKeyMessage(text: string, pos: readonly [number, number]): string {
  // The error's range covers only the key's first character: read the key up to its colon.
  const rest = text.slice(pos[0]).split('\n')[0] ?? '';
  const m = /^("(?:[^"\\]|\\.)*"|'(?:[^']|'')*'|[^:#]*?)\s*:(?:\s|$)/.exec(rest);
  const key = (m?.[1] ?? rest).trim().replace(/^["']|["']$/g, '');
  return `duplicate key '${key}' (each name may appear only once)`;
}
