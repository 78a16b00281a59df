/**
 * @module pipeline.yaml written from dvc.yaml's text, templating kept as written (the same loader
 * reads both files, so `vars`, `${}`, `foreach` and `matrix` need no expansion), comments and
 * layout kept. The one default the formats do not share is made explicit: a stage's `metrics:`
 * and `plots:` are cached in DVC and committed in pipe, so each gets `cache: true` unless it says.
 */
import { createHash } from 'node:crypto';
import { Document, isMap, isScalar, isSeq, parseDocument, type YAMLMap } from 'yaml';
import type { CarriedSections } from './sub-dvc-yaml.js';

/** How the first line of a pipeline.yaml pipe import dvc wrote starts. */
export const IMPORT_HEADER = '# Written by `pipe import dvc` from dvc.yaml';
const HEADER_RE = /^# Written by `pipe import dvc` from dvc\.yaml \(content ([0-9a-f]{16})\)/;

/** The digest the first line records of the rest of the file, so a re-run knows whether it was edited since. */
function digest(body: string): string {
  return createHash('sha256').update(body).digest('hex').slice(0, 16);
}

/** Who wrote a pipeline.yaml: import, and untouched since (a re-run may replace it); import, then edited by hand; or someone else. */
export function pipelineOrigin(text: string): 'import' | 'edited' | 'foreign' {
  const newline = text.indexOf('\n');
  const m = HEADER_RE.exec(newline < 0 ? text : text.slice(0, newline));
  if (!m) return 'foreign';
  return m[1] === digest(text.slice(newline + 1)) ? 'import' : 'edited';
}

/**
 * The text of pipeline.yaml for a dvc.yaml text that loads without problems (none: the root has
 * no dvc.yaml), with the stages and sections `carried` from the dvc.yaml files below the root.
 */
export function pipelineFromDvcYaml(dvcText: string | undefined, carried: readonly { readonly file: string; readonly sections: CarriedSections }[] = []): string {
  const doc = dvcText === undefined ? new Document({ stages: {} }) : parseDocument(dvcText, { keepSourceTokens: false });
  const stages = doc.get('stages');
  if (isMap(stages)) {
    for (const pair of stages.items) {
      const stage = pair.value;
      if (!isMap(stage)) continue;
      // foreach's definition is under `do:`; matrix's is the stage itself.
      const body = stage.has('foreach') ? stage.get('do') : stage;
      if (isMap(body)) for (const field of ['metrics', 'plots']) cacheByDefault(doc, body, field);
    }
  }
  for (const { file, sections } of carried) carry(doc, file, sections);
  const text = doc.toString({ lineWidth: 0 });
  return `${IMPORT_HEADER} (content ${digest(text)}); pipe reads this file, DVC keeps reading dvc.yaml. Edited, it is no longer replaced by a re-import.\n${text}`;
}

/** A sub file's stages and sections added to the document, the first stage saying where they came from. */
function carry(doc: Document, file: string, sections: CarriedSections): void {
  if (!isMap(doc.get('stages'))) doc.set('stages', doc.createNode({}));
  const stages = doc.get('stages') as YAMLMap;
  for (const [i, [name, entry]] of Object.entries(sections.stages).entries()) {
    const key = doc.createNode(name);
    if (i === 0) key.commentBefore = ` From ${file}: stage names as DVC addresses them, paths relative to wdir, templating expanded.`;
    stages.set(key, doc.createNode(entry));
  }
  const append = (key: string, items: readonly unknown[]) => {
    if (items.length === 0) return;
    const list = doc.get(key);
    if (isSeq(list)) for (const item of items) list.add(doc.createNode(item));
    else doc.set(key, doc.createNode([...items]));
  };
  append('metrics', sections.metrics);
  append('params', sections.params);
  append('plots', sections.plots);
  for (const [name, a] of Object.entries(sections.artifacts)) doc.setIn(['artifacts', name], doc.createNode(a));
}

function cacheByDefault(doc: Document, body: YAMLMap, field: string): void {
  const list = body.get(field);
  if (!isSeq(list)) return;
  list.items = list.items.map((item) => {
    if (isScalar(item) && typeof item.value === 'string') {
      // `- path` becomes `- path: {cache: true}`.
      const entry = doc.createNode({ [item.value]: { cache: true } });
      const flags = entry.items[0]?.value;
      if (isMap(flags)) flags.flow = true;
      return entry;
    }
    if (isMap(item)) {
      const first = item.items[0];
      if (!first) return item;
      if (first.value === null || (isScalar(first.value) && first.value.value === null)) {
        const flags = doc.createNode({ cache: true });
        flags.flow = true;
        first.value = flags;
      } else if (isMap(first.value) && !first.value.has('cache')) first.value.set('cache', true);
    }
    return item;
  });
}
