/** @module `pipe import dvc [--dry]`: a DVC project made a pipe project, and what that changed. */
import { defineCommand, defineGroup } from '../command/command.js';
import { formatBytes } from '../command/format-bytes.js';
import { seconds } from '../command/parse-args.js';
import { findRoot } from '../repo/find-root.js';
import { waitOption } from './shared-options.js';

const dvc = defineCommand({
  name: 'dvc',
  summary: 'write pipeline.yaml and data.lock from dvc.yaml, dvc.lock and .dvc files, carrying .dvc/cache into pipe\'s cache',
  description: `
Makes the DVC project at the repository root a pipe project without recomputing or
downloading anything:
  - pipeline.yaml is written from dvc.yaml as written (vars, \${}, foreach and matrix kept;
    stage metrics and plots get 'cache: true', DVC's default); dvc.yaml and dvc.lock stay;
  - data.lock gets each stage of dvc.lock and each path of the .dvc files, with pipe's
    sha256 hashes (a path whose content has the md5 DVC recorded is up to date);
  - every object of .dvc/cache they name (files/md5/ab/cdef…, and .dir manifests) is
    checked against its md5, rehashed and stored in .pipe/cache; a corrupt one is reported
    and not stored;
  - the managed block of .gitignore lists the cached paths.
Prints what it changed; --dry prints the same and writes nothing. Running it again changes
nothing. Afterwards 'pipe status' is up to date where DVC's was and 'pipe repro' runs nothing.
An existing pipeline.yaml that import did not write is left alone (exit 2).`,
  options: {
    dry: { type: 'boolean', help: 'say what would change, write nothing' },
    wait: waitOption,
  },
  positionals: [],
  async run({ options, io }) {
    const { importDvc } = await import('../api/import-dvc.js');
    const r = await importDvc({ root: findRoot(io.cwd, { orGitTop: true }), dry: options.dry, waitSeconds: seconds('import dvc', '--wait', options.wait, 60) });
    const would = r.dry ? ' (dry run: nothing written)' : '';
    for (const [file, change] of Object.entries(r.files)) io.out(`${file}: ${change === 'written' ? (r.dry ? 'would be written' : 'written') : 'unchanged'}\n`);
    io.out(`stages: ${r.stages.total} from dvc.yaml${r.stages.willRun.length ? `, ${r.stages.willRun.length} will run (${r.stages.willRun.join(', ')})` : ''}\n`);
    if (r.data.total) io.out(`tracked data: ${r.data.total} path${r.data.total === 1 ? '' : 's'} from .dvc files${r.data.missing.length ? `, ${r.data.missing.length} missing (${r.data.missing.join(', ')})` : ''}\n`);
    io.out(`objects ${r.dry ? 'to carry' : 'carried'} from .dvc/cache: ${r.objects.carried} (${formatBytes(r.objects.bytes)})${would}\n`);
    for (const p of r.problems) io.err(`warning: ${p.object} is ${p.kind}${p.kind === 'corrupt' ? ' (not stored)' : ''}: ${p.detail}\n`);
    for (const w of r.warnings) io.err(`warning: ${w}\n`);
  },
});

export const importCommand = defineGroup({
  name: 'import',
  subcommands: [dvc],
});
