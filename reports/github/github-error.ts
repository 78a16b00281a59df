/**
 * @module Turns what Octokit throws into one PipeError line that says what to fix: the token,
 * the permissions, the repository name, the rate limit, or GitHub being down. The token never
 * appears in it.
 */
import { PipeError } from '../../runner/index.js';
import { isPrimaryRateLimit, isSecondaryRateLimit, type ResponseError } from './rate-limit.js';
import { redactError, redactToken } from './redact-token.js';

export interface FailedRequest {
  /** e.g. `POST /repos/o/r/statuses/abc…`: what pipe was doing. */
  readonly request: string;
  readonly owner: string;
  readonly repo: string;
  readonly apiUrl: string;
  readonly token: string;
  readonly retries: number;
}

const PERMISSIONS = 'pull-requests: write and statuses: write';

export function githubError(err: unknown, { request, owner, repo, apiUrl, token, retries }: FailedRequest): PipeError<'GITHUB_FAILED'> {
  const e = (err ?? {}) as ResponseError;
  const status = typeof e.status === 'number' && e.status > 0 ? e.status : undefined;
  const said = githubMessage(e);
  let message: string;
  if (!e.response) {
    const cause = (err as Error | undefined)?.message ?? String(err);
    message = `cannot reach the GitHub API at ${apiUrl} (${cause}) for ${request}; check GITHUB_API_URL and the network, then run again`;
  } else if (status === 401) {
    message = `GitHub refused the token (401) for ${request}: set GITHUB_TOKEN to a valid token with ${PERMISSIONS}`;
  } else if (isSecondaryRateLimit(e)) {
    message = `GitHub's secondary rate limit (${status}) still applied after ${retries} retries for ${request}; wait a few minutes and run again`;
  } else if (isPrimaryRateLimit(e)) {
    const reset = Number(e.response.headers?.['x-ratelimit-reset']);
    const when = Number.isFinite(reset) && reset > 0 ? ` until ${new Date(reset * 1000).toISOString()}` : '';
    message = `the token's GitHub API rate limit is used up (${status})${when} for ${request}; run again after the reset`;
  } else if (status === 403) {
    message =
      `GitHub denied ${request} (403${said ? `: ${said}` : ''}): give the job \`permissions: ${PERMISSIONS}\`` +
      ' (pull requests from forks get a read-only token), or set GITHUB_TOKEN to a token that has them';
  } else if (status === 404) {
    message = `GitHub answered 404 for ${request}: GITHUB_REPOSITORY=${owner}/${repo} not found or the token cannot see it; check the name and the token's repository access`;
  } else if (status === 429) {
    message = `GitHub kept answering 429 (too many requests) after ${retries} retries for ${request}; wait a few minutes and run again`;
  } else if (status !== undefined && status >= 500) {
    message = `GitHub failed (${status}${said ? `: ${said}` : ''}) after ${retries} retries for ${request}; try again later (https://www.githubstatus.com)`;
  } else {
    message = `GitHub rejected ${request} (${status ?? 'no status'}${said ? `: ${said}` : ''})`;
  }
  redactError(err, token);
  return new PipeError('GITHUB_FAILED', redactToken(message, token), { ...(status === undefined ? {} : { status }), request }, { cause: err });
}

/** GitHub's own explanation from the response body, on one line. */
function githubMessage(e: ResponseError): string {
  const data = e.response?.data as { message?: unknown } | string | undefined;
  const text = typeof data === 'string' ? data : typeof data?.message === 'string' ? data.message : '';
  return text.replace(/\s+/g, ' ').trim().slice(0, 200);
}
