/** @module Writes parameter overrides into params files (YAML keeps its comments and layout; JSON is rewritten), refusing unknown files and keys. */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isMap, isSeq, parseDocument, type Document } from 'yaml';
import { PipeError, closestName, toRepoPath } from '../../runner/command/index.js';
import { writeFileAtomic } from '../../runner/index.js';
import type { ParamOverride, ParamSet } from './param-sets.js';

/** Checks every -S against the params files in `root` (exit 2 naming the file or key); writes nothing. */
export function checkParamSets(root: string, sets: readonly ParamSet[]): void {
  for (const s of sets) {
    const doc = readParams(root, s.file, s.text);
    keyPath(doc, s.file, s.key, s.text);
  }
}

/** Writes the overrides into the params files under `root`, atomically, one write per file. */
export function applyOverrides(root: string, overrides: readonly ParamOverride[]): void {
  const byFile = new Map<string, ParamOverride[]>();
  for (const o of overrides) byFile.set(o.file, [...(byFile.get(o.file) ?? []), o]);
  for (const [file, list] of byFile) {
    const doc = readParams(root, file, file);
    for (const o of list) {
      const path = keyPath(doc, file, o.key, `${file}:${o.key.join('.')}`);
      const node = doc.createNode(o.value);
      // [16] stays a flow list when set to [64, 32].
      const old = doc.getIn(path, true);
      if ((isSeq(old) || isMap(old)) && old.flow && (isSeq(node) || isMap(node))) node.flow = true;
      doc.setIn(path, node);
    }
    const text = file.endsWith('.json') ? `${JSON.stringify(doc.toJSON(), null, 2)}\n` : doc.toString({ flowCollectionPadding: false });
    writeFileAtomic(join(root, file), text);
  }
}

function readParams(root: string, file: string, text: string): Document {
  const rel = toRepoPath(file);
  if (!rel.ok) throw new PipeError('EXP_SET_INVALID', `-S '${text}': '${file}' is not a path inside the repository`, { set: text, file });
  const abs = join(root, rel.path);
  if (!existsSync(abs)) throw new PipeError('EXP_SET_INVALID', `-S '${text}': no params file '${file}' in the repository (the file comes before ':', e.g. -S params.yaml:train.lr=0.01)`, { set: text, file });
  const doc = parseDocument(readFileSync(abs, 'utf8'));
  if (doc.errors.length) throw new PipeError('EXP_SET_INVALID', `-S '${text}': ${file} is not valid YAML: ${doc.errors[0]?.message.split('\n')[0]}`, { set: text, file });
  return doc;
}

/** The key as the document addresses it (list indices as numbers); the key must exist, so a typo cannot make a new, unread param. */
function keyPath(doc: Document, file: string, key: readonly string[], text: string): (string | number)[] {
  const path: (string | number)[] = [];
  let node: unknown = doc.contents;
  for (const part of key) {
    if (isSeq(node) && /^\d+$/.test(part) && Number(part) < node.items.length) {
      path.push(Number(part));
      node = node.items[Number(part)];
      continue;
    }
    if (isMap(node) && node.has(part)) {
      path.push(part);
      node = node.get(part, true);
      continue;
    }
    const known = isMap(node) ? node.items.map((p) => String((p.key as { value?: unknown })?.value ?? p.key)) : [];
    const near = closestName(part, known);
    const at = [...path, part].join('.');
    throw new PipeError('EXP_SET_INVALID', `-S '${text}': ${file} has no key '${at}'${near ? ` (did you mean '${[...path, near].join('.')}'?)` : ''}; -S changes existing params only`, { set: text, file, key: key.join('.') });
  }
  return path;
}
