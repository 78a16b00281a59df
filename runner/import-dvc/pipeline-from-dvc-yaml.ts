/**
 * @module pipeline.yaml written from dvc.yaml's text, templating kept as written (the same loader
 * reads both files, so `vars`, `${}`, `foreach` and `matrix` need no expansion), comments and
 * layout kept. The one default the formats do not share is made explicit: a stage's `metrics:`
 * and `plots:` are cached in DVC and committed in pipe, so each gets `cache: true` unless it says.
 */
import { isMap, isScalar, isSeq, parseDocument, type Document, type YAMLMap } from 'yaml';

/** The first line of a pipeline.yaml pipe import dvc wrote: a re-run may replace such a file. */
export const IMPORT_HEADER = '# Written by `pipe import dvc` from dvc.yaml; pipe reads this file, DVC keeps reading dvc.yaml.';

/** The text of pipeline.yaml for a dvc.yaml text that loads without problems. */
export function pipelineFromDvcYaml(dvcText: string): string {
  const doc = parseDocument(dvcText, { keepSourceTokens: false });
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
  const text = doc.toString({ lineWidth: 0 });
  return `${IMPORT_HEADER}\n${text}`;
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
