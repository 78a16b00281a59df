/**
 * @module An Octokit plugin that retries 403/429 answers which ask to wait (a `retry-after`
 * header, or any 429) but do not carry the "secondary rate limit" message that
 * @octokit/plugin-throttling recognises. It hands them to @octokit/plugin-retry, so it must come
 * before `retry` in the plugin list (its error hook then runs inside retry's loop).
 */
import type { retry, RetryPlugin } from '@octokit/plugin-retry';
import { isPrimaryRateLimit, isSecondaryRateLimit, retryAfterSeconds, type ResponseError } from './rate-limit.js';

/** The core Octokit a plugin receives (named through plugin-retry: @octokit/core is not a direct dependency). */
type CoreOctokit = Parameters<typeof retry>[0];

export interface RetryAfterOptions {
  readonly retries: number;
  /** Longest `retry-after` (seconds) worth waiting for; longer ones fail at once. */
  readonly maxWaitSeconds: number;
}

export function retryAfterPlugin({ retries, maxWaitSeconds }: RetryAfterOptions) {
  return (octokit: CoreOctokit): Record<string, never> => {
    octokit.hook.error('request', (error, options) => {
      const e = error as ResponseError;
      if ((e.status !== 403 && e.status !== 429) || isSecondaryRateLimit(e) || isPrimaryRateLimit(e)) throw error;
      const after = retryAfterSeconds(e);
      if (after === undefined && e.status === 403) throw error; // a plain 403: no permission, do not insist
      const attempt = Number((options.request as { retryCount?: number } | undefined)?.retryCount ?? 0);
      const wait = after ?? (attempt + 1) ** 2;
      if (wait > maxWaitSeconds) throw error;
      throw (octokit as unknown as RetryPlugin).retry.retryRequest(error as never, retries, wait);
    });
    return {};
  };
}
