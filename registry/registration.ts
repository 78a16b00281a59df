/** @module What registry/ adds to the command line: `pipe model` (loaded when used) and its error codes. */
import type { CommandEntry } from '../runner/command/index.js';

export { registryErrorKinds } from './errors.js';

export const registryCommands: readonly CommandEntry[] = [
  { name: 'model', summary: 'the model registry in git tags (GTO’s format): show, history, register, assign, rollback, unassign, deregister, deprecate, get', load: async () => (await import('./commands/model.js')).model },
];
