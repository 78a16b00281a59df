/** @module `pipe queue start|status|remove`: the queued experiments, run N at a time, each in its own worktree on the shared cache. */
import { PipeError, defineCommand, defineGroup, findRoot, positiveInt } from '../../runner/command/index.js';
import { expReporter } from './exp-reporter.js';
import { withInterrupt } from './interrupt.js';
import { summary } from './exp-run.js';
import { formatOverride } from '../api/param-sets.js';

const start = defineCommand({
  name: 'start',
  summary: 'run the queued experiments, N at a time (-j), each in its own temporary worktree',
  description: `
Runs the experiments pipe exp run --queue queued, -j N at once (default 1), each in its own
temporary git worktree on the repository's shared cache and run-cache, so a stage an earlier
experiment ran with the same inputs is restored, not run again. Each worktree has its own
mutex: experiments do not wait for each other, nor for a pipe repro in the workspace. A done
experiment leaves the queue (it is a ref now: pipe exp show); a failed one stays, marked failed
with its reason (pipe queue remove --failed clears them). Entries a killed queue left running
are queued again. Exits 1 when any experiment failed.`,
  options: {
    jobs: { type: 'string', short: 'j', valueName: 'N', help: 'experiments to run at once (default 1)' },
    quiet: { type: 'boolean', short: 'q', help: "do not print the stages' own output" },
  },
  async run({ options, io }) {
    const root = findRoot(io.cwd);
    const jobs = positiveInt('queue start', '--jobs', options.jobs, 1);
    const { runQueue } = await import('../api/run-queue.js');
    const r = await withInterrupt((signal) => runQueue({
      root,
      jobs,
      signal,
      reporter: (name) => expReporter(io, name, { quiet: options.quiet }),
      onStart: (e) => io.out(`Running experiment '${e.name}'${e.overrides.length ? ` (${e.overrides.map(formatOverride).join(' ')})` : ''}\n`),
      onDone: (e, res) => io.out(`Experiment '${e.name}': ${summary(res)}; ref ${res.ref}\n`),
      onFail: (e, message) => io.err(`Experiment '${e.name}' failed: ${message}\n`),
    }));
    if (r.interrupted) throw new PipeError('INTERRUPTED', `interrupted; ${r.done} experiment${r.done === 1 ? '' : 's'} done, the others stay queued (pipe queue start resumes)`, { signal: 'SIGINT' });
    if (r.requeued) io.err(`${r.requeued} experiment${r.requeued === 1 ? '' : 's'} left running by a killed pipe queue start ${r.requeued === 1 ? 'was' : 'were'} queued again\n`);
    if (r.done + r.failed === 0) io.out('The queue is empty.\n');
    else io.out(`${r.done} experiment${r.done === 1 ? '' : 's'} done, ${r.failed} failed.\n`);
    if (r.failed) {
      throw new PipeError('STAGE_FAILED', `${r.failed} experiment${r.failed === 1 ? '' : 's'} failed (pipe queue status shows why)`, { stage: '', failed: r.failedNames });
    }
  },
});

const status = defineCommand({
  name: 'status',
  summary: 'the queued, running and failed experiments',
  options: { json: { type: 'boolean', help: 'JSON: [{name, status, params, queued, pid, error}]' } },
  async run({ options, io }) {
    const { listQueue } = await import('../api/queue.js');
    const { renderTable } = await import('../../runner/index.js');
    const q = listQueue(findRoot(io.cwd));
    if (options.json) {
      io.out(`${JSON.stringify(q.map((e) => ({ name: e.name, status: e.status, params: e.overrides.map(formatOverride), baseline: e.baseline, queued: e.queued, pid: e.pid ?? null, error: e.error ?? null })), null, 2)}\n`);
      return;
    }
    if (q.length === 0) {
      io.err('The queue is empty; queue experiments with: pipe exp run --queue -S KEY=VALUE\n');
      return;
    }
    io.out(renderTable(['Experiment', 'Status', 'Params', 'Queued', 'Note'], q.map((e) => [e.name, e.status, e.overrides.map(formatOverride).join(' '), e.queued.slice(0, 16).replace('T', ' '), e.error ?? (e.pid ? `pid ${e.pid}` : '')])));
  },
});

const remove = defineCommand({
  name: 'remove',
  summary: 'take experiments out of the queue (by name, --failed, or --all)',
  options: {
    all: { type: 'boolean', help: 'every entry that is not running' },
    failed: { type: 'boolean', help: 'the failed entries' },
  },
  positionals: [{ name: 'names', valueName: 'NAME…', variadic: true }],
  async run({ options, args, io }) {
    if (!options.all && !options.failed && args.names.length === 0) throw new PipeError('USAGE', 'pipe queue remove needs NAME…, --failed or --all', { command: 'queue remove' });
    const { removeEntries } = await import('../api/queue.js');
    const gone = removeEntries(findRoot(io.cwd), { names: args.names, all: options.all, failed: options.failed });
    io.out(gone.length ? `Removed from the queue: ${gone.join(', ')}\n` : 'Nothing to remove.\n');
  },
});

export const queue = defineGroup({ name: 'queue', subcommands: [start, status, remove] });
