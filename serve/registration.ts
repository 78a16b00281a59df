/** @module What serve/ adds to the command line: `pipe serve`, `pipe serve build` and `pipe serve monitoring` (loaded, with Hono and TF.js, only when it runs) and its error codes. */
import type { Command, CommandEntry } from '../runner/command/index.js';

export { serveErrorKinds } from './errors.js';

/** `pipe serve` with its subcommands: `build` (declared by serve itself) and `monitoring`, added here so that the monitoring lives apart from the service's code. */
async function loadServe(): Promise<Command> {
  const [{ serve }, { serveMonitoring }] = await Promise.all([import('./commands/serve.js'), import('./commands/serve-monitoring.js')]);
  return { ...serve, subcommands: [...serve.subcommands, serveMonitoring] };
}

export const serveCommands: readonly CommandEntry[] = [
  { name: 'serve', summary: 'serve a model package over HTTP: predictions, health, KServe V2, OpenAPI, Prometheus metrics', load: loadServe },
];
