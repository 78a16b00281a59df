/**
 * @module The command kit, the light half of the runner's public surface: what a command
 * definition needs at start-up (reports/ and serve/ import it statically; everything else of
 * runner/index.ts is imported inside a command's run, so `pipe --version` loads none of it).
 */
export { defineCommand, defineGroup, type Command, type CommandEntry, type Io, type OptionSpec, type PositionalSpec, type ParsedRunContext } from './command.js';
export { parseCommandArgs, positiveInt, seconds } from './parse-args.js';
export { diffOutputOptions, outputOptions } from './diff-options.js';
export { PipeError, isPipeError, EXIT_CODES, type ErrorKind, type PipeErrorCode } from '../errors.js';
export { findRoot } from '../repo/find-root.js';
export { WORKSPACE } from '../git/revision.js';
export { toRepoPath } from '../fs/repo-path.js';
export { closestName, didYouMean } from '../text/did-you-mean.js';
export { PACKAGE_NAME, pipeVersion } from './package-name.js';
