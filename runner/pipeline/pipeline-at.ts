/** @module A revision's own pipeline, read leniently (whatever format that revision used): the params, metrics and plots files it declares. */
import { parseStructured } from '../yaml/parse-structured.js';
import { readFileAt } from '../git/read-file-at-revision.js';
import { isWorkspace, type Revision } from '../git/revision.js';
import { PIPELINE_FORMATS } from './pipeline-formats.js';
import type { TrackedFiles } from './tracked-files.js';

export type PipelineAt =
  | { readonly state: 'found'; readonly file: string; readonly declared: TrackedFiles }
  /** The revision has no pipeline file: it declares nothing. */
  | { readonly state: 'absent' }
  /** The file is there but cannot be parsed; `problem` is the warning line to show. */
  | { readonly state: 'invalid'; readonly file: string; readonly problem: string };

/** The first pipeline file (in PIPELINE_FORMATS order) present at `rev`, read from git or the working tree. */
export async function pipelineAt(root: string, rev: Revision): Promise<PipelineAt> {
  for (const entry of PIPELINE_FORMATS) {
    const read = await readFileAt(root, rev, entry.file);
    if (!read.found && read.reason === 'absent') continue;
    const where = isWorkspace(rev) ? 'in the workspace' : `at ${rev.name}`;
    if (!read.found) return { state: 'invalid', file: entry.file, problem: `${entry.file} ${where} is a directory, not a file; what it declares is left out` };
    const parsed = await parseStructured(entry.file, read.text);
    if (parsed.state !== 'found') {
      const why = parsed.state === 'invalid' ? parsed.message : 'it is empty';
      return { state: 'invalid', file: entry.file, problem: `${entry.file} ${where} cannot be read (${why}); what it declares is left out` };
    }
    // Vars files are read at the same revision; one that is missing or broken leaves its `${}` unresolved.
    const readVars = async (file: string) => {
      const f = await readFileAt(root, rev, file).catch(() => ({ found: false as const }));
      if (!f.found) return { exists: false as const };
      const v = await parseStructured(file, f.text);
      return v.state === 'found' ? { exists: true as const, value: v.value } : { exists: true as const, value: undefined, problem: v.state };
    };
    return { state: 'found', file: entry.file, declared: await (await entry.format()).declared(parsed.value, readVars) };
  }
  return { state: 'absent' };
}
