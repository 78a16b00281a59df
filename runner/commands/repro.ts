/** @module `pipe repro`: the CLI face of api/repro, with per-stage lines and Ctrl-C handling. */
import { availableParallelism } from 'node:os';
import type { ReproReporter } from '../api/repro/repro-events.js';
import { style } from '../command/ansi.js';
import { defineCommand, type Io } from '../command/command.js';
import { positiveInt, seconds } from '../command/parse-args.js';
import { findRoot } from '../repo/find-root.js';
import { firstReason } from '../stage/reason.js';
import { waitOption } from './shared-options.js';

export const repro = defineCommand({
  name: 'repro',
  description: `
Runs the stages of pipeline.yaml in dependency order and records what each one read and
produced in data.lock. A stage is skipped when its command, the content of every dep, the
values of its params and its declared outs are what data.lock recorded, and its outs are
present and unmodified. Each stage prints one line saying what happened and why.

With STAGE names, runs those stages and the stages they depend on. Independent stages run
in parallel (-j). A failing stage stops the run (exit 1); its lock entry is left as it was
and the stages after it do not run. Ctrl-C stops the running stages; stages that finished
stay locked, and the next repro picks up from there.

With --pull, a stage about to run is first looked up in the remote's run-cache (by its
fingerprint); when another machine (CI) ran it, its outs are fetched and restored instead of
running it. Missing tracked data and the outs data.lock already records are fetched too.`,
  options: {
    force: { type: 'boolean', short: 'f', help: 'run the selected stages even when up to date' },
    'single-item': { type: 'boolean', short: 's', help: 'only the named stages, not what they depend on' },
    downstream: { type: 'boolean', help: 'the named stages and every stage that depends on them' },
    dry: { type: 'boolean', help: 'print what would run and why; run nothing, write nothing' },
    jobs: { type: 'string', short: 'j', valueName: 'N', help: 'independent stages to run at once (default: the number of CPUs)' },
    'keep-going': { type: 'boolean', short: 'k', help: 'after a failure, keep running branches that do not depend on it' },
    'no-run-cache': { type: 'boolean', help: 'run stages even when the run-cache holds the outs of an identical earlier run' },
    pull: { type: 'boolean', help: "before running a stage, fetch its results from the remote's run-cache when they are there" },
    remote: { type: 'string', short: 'r', valueName: 'NAME', help: 'the remote for --pull (default: the default remote)' },
    wait: waitOption,
  },
  positionals: [{ name: 'stages', valueName: 'STAGE…', variadic: true }],
  async run({ options, args, io }) {
    const { repro: runRepro } = await import('../api/repro/repro.js');
    const root = findRoot(io.cwd);
    const controller = new AbortController();
    let interrupts = 0;
    const onSignal = () => {
      interrupts++;
      if (interrupts === 1) controller.abort();
      else process.exit(130);
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
    const started = Date.now();
    const reporter = cliReporter(io, options.dry);
    try {
      const result = await runRepro({
        root,
        targets: args.stages,
        force: options.force,
        single: options['single-item'],
        downstream: options.downstream,
        dry: options.dry,
        keepGoing: options['keep-going'],
        noRunCache: options['no-run-cache'],
        pull: options.pull,
        remote: options.remote,
        jobs: positiveInt('repro', '--jobs', options.jobs, availableParallelism()),
        waitSeconds: seconds('repro', '--wait', options.wait, 60),
        command: io.commandLine,
        reporter,
        signal: controller.signal,
      });
      reporter.flush();
      const s = style(io.color);
      const secs = ((Date.now() - started) / 1000).toFixed(1);
      if (options.dry) io.out(result.ran.length ? `${result.ran.length} stage(s) would run (dry run: nothing ran)\n` : 'Everything is up to date (dry run).\n');
      else if (result.ran.length === 0) io.out(s.dim('Everything is up to date.\n'));
      else io.out(`${result.ran.length} stage${result.ran.length === 1 ? '' : 's'} ran in ${secs}s; data.lock ${result.lockChanged ? 'updated' : 'unchanged'}.\n`);
    } finally {
      reporter.flush();
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    }
  },
});

function secs(ms: number): string {
  return `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)}s`;
}

/**
 * Prints the events. Lines of skipped stages come in bursts (400 of them in a no-op run, a write
 * each cost ~6 ms), so they are written together: before any other output, at the next turn of
 * the event loop, or by `flush()` at the end.
 */
export function cliReporter(io: Io, dry: boolean): ReproReporter & { flush(): void } {
  const s = style(io.color);
  let skipped = '';
  let scheduled = false;
  const flush = () => {
    if (skipped) io.out(skipped);
    skipped = '';
  };
  const out = (text: string) => {
    flush();
    io.out(text);
  };
  return {
    flush,
    event(e) {
      switch (e.kind) {
        case 'skipped':
          skipped += s.dim(`${e.stage}: skipped (${e.why === 'frozen' ? 'frozen' : 'up to date'})\n`);
          if (!scheduled) {
            scheduled = true;
            setImmediate(() => {
              scheduled = false;
              flush();
            });
          }
          break;
        case 'blocked':
          out(s.yellow(`${e.stage}: not run because upstream stage ${e.upstream} failed\n`));
          break;
        case 'running':
          out(`${s.bold(e.stage)}: running because ${firstReason(e.reasons)}\n`);
          break;
        case 'restored':
          out(`${s.bold(e.stage)}: restored from run-cache (${firstReason(e.reasons)}), not run\n`);
          break;
        case 'stored':
          out(`${s.bold(e.stage)}: stored its outs in the cache (${firstReason(e.reasons)}), not run\n`);
          break;
        case 'would-run':
          out(`${s.bold(e.stage)}: would run because ${firstReason(e.reasons)}\n`);
          break;
        case 'done':
          out(s.green(`${e.stage}: done in ${secs(e.ms)}\n`));
          break;
        case 'failed':
          out(s.red(`${e.stage}: failed after ${secs(e.ms)}: ${e.message}\n`));
          break;
      }
    },
    note(text) {
      flush();
      io.err(`${text}\n`);
    },
    line(stage, stream, text) {
      if (dry) return;
      const line = `${s.dim(`[${stage}]`)} ${text}\n`;
      flush();
      if (stream === 'stdout') io.out(line);
      else io.err(line);
    },
  };
}
