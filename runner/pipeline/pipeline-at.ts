/** @module A revision's own pipeline, read leniently (whatever format that revision used): the params, metrics and plots files it declares. */
import { parseStructured } from '../yaml/parse-structured.js';
import { readFileAt } from '../git/read-file-at-revision.js';
import { isWorkspace, type Revision } from '../git/revision.js';
import { posix } from 'node:path';
import { filesNamedAt } from '../git/files-named-at.js';
import { ParsedCache } from '../yaml/parsed-cache.js';
import { DVC_YAML, findDvcYamls } from './find-dvc-yaml.js';
import type { FormatEntry } from './pipeline-format.js';
import { PIPELINE_FORMATS } from './pipeline-formats.js';
import type { TrackedFiles } from './tracked-files.js';

export type PipelineAt =
  | { readonly state: 'found'; readonly file: string; readonly declared: TrackedFiles }
  /** The revision has no pipeline file: it declares nothing. */
  | { readonly state: 'absent' }
  /** The file is there but cannot be parsed; `problem` is the warning line to show. */
  | { readonly state: 'invalid'; readonly file: string; readonly problem: string };

/**
 * The first pipeline format (in PIPELINE_FORMATS order) present at `rev`, read from git or the
 * working tree: pipeline.yaml, else every dvc.yaml of that revision (the root's and those below
 * it, each read relative to its directory). A file that cannot be parsed makes the whole
 * revision's pipeline invalid, as one broken file does for loadPipeline.
 */
export async function pipelineAt(root: string, rev: Revision): Promise<PipelineAt> {
  for (const entry of PIPELINE_FORMATS) {
    const files = entry.file === DVC_YAML ? await dvcYamlsAt(root, rev) : [entry.file];
    const found: TrackedFiles[] = [];
    for (const file of files) {
      const one = await fileAt(root, rev, entry, file);
      if (one.state === 'absent') continue;
      if (one.state === 'invalid') return one;
      found.push(one.declared);
    }
    const [first] = found;
    if (!first) continue;
    return { state: 'found', file: files[0] ?? entry.file, declared: found.length === 1 ? first : joinTracked(found) };
  }
  return { state: 'absent' };
}

/** The dvc.yaml files at `rev`: found in the workspace as loadPipeline finds them, or listed from the commit's tree. */
async function dvcYamlsAt(root: string, rev: Revision): Promise<string[]> {
  if (isWorkspace(rev)) return findDvcYamls(root, new ParsedCache(undefined));
  const files = await filesNamedAt(root, rev.commit as string, DVC_YAML);
  return [...files.filter((f) => f === DVC_YAML), ...files.filter((f) => f !== DVC_YAML)];
}

async function fileAt(root: string, rev: Revision, entry: FormatEntry, file: string): Promise<PipelineAt> {
  const read = await readFileAt(root, rev, file);
  if (!read.found && read.reason === 'absent') return { state: 'absent' };
  const where = isWorkspace(rev) ? 'in the workspace' : `at ${rev.name}`;
  if (!read.found) return { state: 'invalid', file, problem: `${file} ${where} is a directory, not a file; what it declares is left out` };
  const parsed = await parseStructured(file, read.text);
  if (parsed.state !== 'found') {
    const why = parsed.state === 'invalid' ? parsed.message : 'it is empty';
    return { state: 'invalid', file, problem: `${file} ${where} cannot be read (${why}); what it declares is left out` };
  }
  // Vars files are read at the same revision; one that is missing or broken leaves its `${}` unresolved.
  const readVars = async (name: string) => {
    const f = await readFileAt(root, rev, name).catch(() => ({ found: false as const }));
    if (!f.found) return { exists: false as const };
    const v = await parseStructured(name, f.text);
    return v.state === 'found' ? { exists: true as const, value: v.value } : { exists: true as const, value: undefined, problem: v.state };
  };
  return { state: 'found', file, declared: await (await entry.format()).declared(parsed.value, readVars, posix.dirname(file)) };
}

/** What several files declare, as one (first declarations win, as within a file). */
function joinTracked(all: readonly TrackedFiles[]): TrackedFiles {
  const plots = new Map<string, TrackedFiles['plots'][number]>();
  for (const t of all) for (const p of t.plots) if (!plots.has(p.path)) plots.set(p.path, p);
  return {
    params: [...new Set(all.flatMap((t) => t.params))],
    metrics: [...new Set(all.flatMap((t) => t.metrics))],
    plots: [...plots.values()],
    gated: all.flatMap((t) => t.gated),
    artifacts: new Map(all.flatMap((t) => [...t.artifacts]).reverse()),
    registryStages: all.find((t) => t.registryStages.length)?.registryStages ?? [],
  };
}
