/** @module What the engine adds to the command line: its commands (loaded when used), in the order `pipe help` lists them, and its error codes. */
import type { CommandEntry } from './command/command.js';

export { runnerErrorKinds } from './errors.js';

export const runnerCommands: readonly CommandEntry[] = [
  { name: 'init', summary: 'start a pipe project in a git repository: starter pipeline.yaml, params.yaml, .pipe/ (--ci github: the promotion workflows)', load: async () => (await import('./commands/init.js')).init },
  { name: 'repro', summary: 'run the stages whose inputs changed, in dependency order, restoring from the run-cache (--pull: the remote\'s) what was computed before', load: async () => (await import('./commands/repro.js')).repro },
  { name: 'status', summary: 'show which stages are out of date and why; with --remote, what the remote lacks and what only it has', load: async () => (await import('./commands/status.js')).status },
  { name: 'checkout', summary: 'make cached outs and tracked data match data.lock (after a git checkout)', load: async () => (await import('./commands/checkout.js')).checkout },
  { name: 'add', summary: 'track raw data (a file or directory no stage produces) in the cache and data.lock', load: async () => (await import('./commands/add.js')).add },
  { name: 'gc', summary: 'remove cache objects (and, with --cloud, remote objects) that the workspace and the chosen revisions do not reference', load: async () => (await import('./commands/gc.js')).gc },
  { name: 'unprotect', summary: 'make cached outs editable (replace links to the cache by copies)', load: async () => (await import('./commands/unprotect.js')).unprotect },
  { name: 'import', summary: 'make a DVC project a pipe project: pipeline.yaml and data.lock from dvc.yaml, dvc.lock and .dvc files, .dvc/cache carried over', load: async () => (await import('./commands/import.js')).importCommand },
  { name: 'dag', summary: 'print the stage graph (text, --mermaid, --dot, --json)', load: async () => (await import('./commands/dag.js')).dag },
  { name: 'remote', summary: 'add, list, modify and remove remotes (a directory or s3://bucket/prefix)', load: async () => (await import('./commands/remote.js')).remote },
  { name: 'push', summary: 'upload the objects data.lock references (and their run-cache entries) that the remote lacks', load: async () => (await import('./commands/push.js')).push },
  { name: 'fetch', summary: 'download the objects data.lock references that the cache lacks from a remote', load: async () => (await import('./commands/fetch.js')).fetch },
  { name: 'pull', summary: 'fetch, then checkout: put the data and models of data.lock in place from a remote', load: async () => (await import('./commands/pull.js')).pull },
  { name: 'params', summary: 'compare the params files the pipeline reads between two revisions', load: async () => (await import('./commands/params.js')).params },
  { name: 'metrics', summary: 'show the metrics of the workspace, branches or revisions, or compare two revisions', load: async () => (await import('./commands/metrics.js')).metrics },
];
