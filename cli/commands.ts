/** @module The command table: summaries for `pipe help`, modules loaded only when a command runs. */
import type { Command } from '../runner/command/command.js';

interface Entry {
  readonly summary: string;
  readonly load: () => Promise<Command>;
}

export const COMMANDS: Readonly<Record<string, Entry>> = {
  repro: {
    summary: 'run the stages whose inputs changed, in dependency order',
    load: async () => (await import('../runner/commands/repro.js')).repro,
  },
  status: {
    summary: 'show which stages are out of date and why',
    load: async () => (await import('../runner/commands/status.js')).status,
  },
  checkout: {
    summary: 'make cached outs and tracked data match data.lock (after a git checkout)',
    load: async () => (await import('../runner/commands/checkout.js')).checkout,
  },
  add: {
    summary: 'track raw data (a file or directory no stage produces) in the cache',
    load: async () => (await import('../runner/commands/add.js')).add,
  },
  gc: {
    summary: 'remove cache objects (and, with --cloud, remote objects) that the workspace and the chosen revisions do not reference',
    load: async () => (await import('../runner/commands/gc.js')).gc,
  },
  unprotect: {
    summary: 'make cached outs editable (replace links to the cache by copies)',
    load: async () => (await import('../runner/commands/unprotect.js')).unprotect,
  },
  dag: {
    summary: 'print the stage graph (text, --mermaid, --dot, --json)',
    load: async () => (await import('../runner/commands/dag.js')).dag,
  },
  remote: {
    summary: 'add, list, modify and remove remotes (a directory or s3://bucket/prefix)',
    load: async () => (await import('../runner/commands/remote.js')).remote,
  },
  push: {
    summary: 'upload the objects data.lock references (and their run-cache entries) that the remote lacks',
    load: async () => (await import('../runner/commands/push.js')).push,
  },
  fetch: {
    summary: 'download the objects data.lock references that the cache lacks from a remote',
    load: async () => (await import('../runner/commands/fetch.js')).fetch,
  },
  pull: {
    summary: 'fetch, then checkout: put the data and models of data.lock in place from a remote',
    load: async () => (await import('../runner/commands/pull.js')).pull,
  },
  params: {
    summary: 'compare the params files the pipeline reads between two revisions',
    load: async () => (await import('../runner/commands/params.js')).params,
  },
  metrics: {
    summary: 'show the metrics of the workspace, branches or revisions, or compare two revisions',
    load: async () => (await import('../runner/commands/metrics.js')).metrics,
  },
  plots: {
    summary: 'render the plots of pipeline.yaml (SVG, PNG, one HTML page), or overlay two revisions',
    load: async () => (await import('../reports/commands/plots.js')).plots,
  },
  report: {
    summary: 'write a markdown report (gate verdict, metrics/params diff, stages, plots); --post to a PR',
    load: async () => (await import('../reports/commands/report.js')).report,
  },
  gate: {
    summary: "evaluate the promotion rules ('gates:' in pipeline.yaml) against a base revision",
    load: async () => (await import('../reports/commands/gate.js')).gate,
  },
};
