/** @module `pipe exp run`: run the pipeline with changed params in a temporary worktree and keep the result as refs/exps/…, or queue it (a sweep: every combination). */
import { availableParallelism } from 'node:os';
import { PipeError, defineCommand, findRoot, positiveInt } from '../../runner/command/index.js';
import { formatOverride } from '../api/param-sets.js';
import { expReporter } from './exp-reporter.js';
import { withInterrupt } from './interrupt.js';

export const SET_HELP = `-S [FILE:]KEY=VALUE[,VALUE…] sets a key of a params file (FILE: default params.yaml)
for this experiment. The key must exist. Values are separated by commas, except inside [], {}
or quotes, and each is read as YAML: -S train.lr=0.001,0.01,0.1 is three values,
-S 'train.hidden=[32],[64,32]' two lists, -S 'name="a,b"' one string. Several values, or
several -S, make a sweep: every combination (a grid), or --random N of them.`;

export const run = defineCommand({
  name: 'run',
  summary: 'run the pipeline with changed params (-S) without touching the workspace; the result is a git ref refs/exps/…',
  description: `
Runs the pipeline in a temporary git worktree (under .pipe/tmp/exps/) made from HEAD plus the
workspace's uncommitted changes, with the params -S sets, on the repository's own cache and
run-cache: outs already computed are linked or restored, not recomputed. The workspace, its
params files, data.lock and outs are left as they were. The result is a commit whose parent is
HEAD (the baseline), holding the changed params files, data.lock and metrics, kept as the ref
refs/exps/<baseline>/<name> (git show it; pipe exp show lists it).

${SET_HELP}

Without --name an experiment is named adjective-noun from its params (-2, -3… when taken); a
--name that is taken exits 2 unless --force replaces it. With a sweep, --name N names them
N-1, N-2… Without --queue the experiments run one after another here; with --queue they are
queued for pipe queue start -j N. A failing stage exits 1 and keeps no ref.`,
  options: {
    set: { type: 'string', short: 'S', multiple: true, valueName: '[FILE:]KEY=VALUES', help: 'set a param (comma-separated values make a sweep)' },
    name: { type: 'string', short: 'n', valueName: 'NAME', help: "the experiment's name (default: generated)" },
    queue: { type: 'boolean', help: 'queue the experiments for pipe queue start instead of running them' },
    random: { type: 'string', valueName: 'N', help: 'of a sweep, only N combinations chosen at random' },
    force: { type: 'boolean', short: 'f', help: 'replace an experiment of the same name' },
    jobs: { type: 'string', short: 'j', valueName: 'N', help: 'independent stages to run at once within an experiment (default: the number of CPUs)' },
    quiet: { type: 'boolean', short: 'q', help: "do not print the stages' own output" },
  },
  async run({ options, io }) {
    const root = findRoot(io.cwd);
    const random = options.random === undefined ? undefined : positiveInt('exp run', '--random', options.random, 1);
    const [{ planExperiments }, { refuseExisting, runExperiment }] = await Promise.all([import('../api/plan-experiments.js'), import('../api/run-experiment.js')]);
    const specs = await planExperiments({ root, sets: options.set, name: options.name, random });
    if (options.name !== undefined && !options.force) for (const s of specs) await refuseExisting(root, s.baseline, s.name);
    if (options.queue) {
      const { enqueue } = await import('../api/queue.js');
      enqueue(root, specs);
      for (const s of specs) io.out(`Queued experiment '${s.name}'${describe(s.overrides)}\n`);
      io.out(`${specs.length} experiment${specs.length === 1 ? '' : 's'} queued; run them with: pipe queue start -j 2\n`);
      return;
    }
    const jobs = positiveInt('exp run', '--jobs', options.jobs, availableParallelism());
    const [{ pruneDeadWorktrees }, { isLive }] = await Promise.all([import('../api/worktree.js'), import('../api/queue.js')]);
    await pruneDeadWorktrees(root, (pid) => isLive({ pid }));
    await withInterrupt(async (signal) => {
      for (const spec of specs) {
        const r = await runExperiment({ root, spec, force: options.force, reporter: expReporter(io, spec.name, { quiet: options.quiet }), jobs, signal });
        io.out(`Experiment '${r.name}'${describe(spec.overrides)}: ${summary(r)}; ref ${r.ref}\n`);
      }
    });
    if (specs.length === 0) throw new PipeError('USAGE', 'nothing to run', { command: 'exp run' });
    io.out(`Compare with: pipe exp show\n`);
  },
});

function describe(overrides: readonly Parameters<typeof formatOverride>[0][]): string {
  return overrides.length ? ` (${overrides.map(formatOverride).join(' ')})` : '';
}

export function summary(r: { ran: readonly string[]; restored: readonly string[] }): string {
  const parts = [`${r.ran.length} stage${r.ran.length === 1 ? '' : 's'} ran`];
  if (r.restored.length) parts.push(`${r.restored.length} restored from the run-cache`);
  return parts.join(', ');
}
