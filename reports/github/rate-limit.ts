/** @module Recognises GitHub's rate-limit answers (primary, secondary, retry-after) on an Octokit request error. */

/** The parts of an Octokit RequestError this package reads (duck-typed: @octokit/request-error is not a direct dependency). */
export interface ResponseError {
  readonly status?: number;
  readonly message?: string;
  readonly response?: { readonly headers?: Readonly<Record<string, string | number | undefined>>; readonly data?: unknown };
  readonly request?: { readonly method?: string; readonly url?: string };
}

/** The same test @octokit/plugin-throttling applies. */
export function isSecondaryRateLimit(error: ResponseError): boolean {
  return (error.status === 403 || error.status === 429) && /\bsecondary rate\b/i.test(error.message ?? '');
}

/** The hourly quota is used up (`x-ratelimit-remaining: 0`). */
export function isPrimaryRateLimit(error: ResponseError): boolean {
  return (error.status === 403 || error.status === 429) && String(error.response?.headers?.['x-ratelimit-remaining']) === '0';
}

export function retryAfterSeconds(error: ResponseError): number | undefined {
  const raw = error.response?.headers?.['retry-after'];
  if (raw === undefined || raw === '') return undefined;
  const seconds = Number(raw);
  return Number.isFinite(seconds) && seconds >= 0 ? seconds : undefined;
}
