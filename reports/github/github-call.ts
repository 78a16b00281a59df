/** @module Runs one GitHub request (or a paginated series), naming it in the PipeError when it fails. */
import type { FailedRequest } from './github-error.js';
import { githubError } from './github-error.js';

/** `call('POST /repos/o/r/statuses/SHA', () => octokit…)`: the result, or a GITHUB_FAILED PipeError. */
export type GithubCall = <T>(request: string, send: () => Promise<T>) => Promise<T>;

export function githubCall(where: Omit<FailedRequest, 'request'>): GithubCall {
  return async (request, send) => {
    try {
      return await send();
    } catch (err) {
      throw githubError(err, { ...where, request });
    }
  };
}
