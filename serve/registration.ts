/** @module What serve/ adds to the command line: `pipe serve` (loaded, with Hono and TF.js, only when it runs) and its error codes. */
import type { CommandEntry } from '../runner/command/index.js';

export { serveErrorKinds } from './errors.js';

export const serveCommands: readonly CommandEntry[] = [
  { name: 'serve', summary: 'serve a model package over HTTP: predictions, health, KServe V2, OpenAPI, Prometheus metrics', load: async () => (await import('./commands/serve.js')).serve },
];
