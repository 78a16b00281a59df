/** @module The version of pipe, read from its package.json. */
export { pipeVersion as readVersion } from '../runner/command/package-name.js';
