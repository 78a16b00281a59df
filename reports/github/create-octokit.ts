/**
 * @module The Octokit client posting uses: @octokit/rest with retries on 5xx
 * (@octokit/plugin-retry), on rate limits (@octokit/plugin-throttling) and on 403/429 answers
 * that say when to come back (retry-after-plugin). Octokit is imported here, lazily, so only a
 * command that posts pays for loading it.
 */
import { retryAfterPlugin } from './retry-after-plugin.js';
import { createPacer } from './write-pacer.js';

export interface RetrySettings {
  /** Retries after the first attempt. */
  readonly retries: number;
  /**
   * The delay unit, in ms: the first retry after a 5xx waits this long, the n-th n² times it; a
   * `retry-after: S` header waits S units; writes are spaced one unit apart. 1000 (the default)
   * means GitHub's own seconds.
   */
  readonly minDelayMs: number;
}

export const DEFAULT_RETRY: RetrySettings = { retries: 3, minDelayMs: 1000 };

/** Longest wait (in units) a rate limit may ask for before we stop retrying and say so. */
const MAX_WAIT_UNITS = 120;

/** Statuses plugin-retry leaves alone: client errors, and 429 which the rate-limit handlers own. */
const DO_NOT_RETRY = [400, 401, 403, 404, 410, 422, 429, 451];

export type GithubClient = Awaited<ReturnType<typeof createOctokit>>;

export async function createOctokit({ token, baseUrl, retry: { retries, minDelayMs } = DEFAULT_RETRY }: { token: string; baseUrl: string; retry?: RetrySettings }) {
  const [{ Octokit }, { retry }, { throttling }] = await Promise.all([
    import('@octokit/rest'),
    import('@octokit/plugin-retry'),
    import('@octokit/plugin-throttling'),
  ]);
  const Client = Octokit.plugin(retryAfterPlugin({ retries, maxWaitSeconds: MAX_WAIT_UNITS }), retry, throttling);
  const onLimit = (retryAfter: number, _options: unknown, _octokit: unknown, retryCount: number): boolean => retryCount < retries && retryAfter <= MAX_WAIT_UNITS;
  const silent = () => {};
  return new Client({
    auth: token,
    baseUrl,
    userAgent: 'pipe-report',
    // Octokit's own warnings would interleave with pipe's output; failures surface as PipeErrors.
    log: { debug: silent, info: silent, warn: silent, error: silent },
    retry: { retries, retryAfterBaseValue: minDelayMs, doNotRetry: DO_NOT_RETRY },
    throttle: {
      retryAfterBaseValue: minDelayMs,
      fallbackSecondaryRateRetryAfter: 60,
      // Bottleneck.Group stand-ins (see write-pacer.ts): the plugin calls only key().schedule().
      write: createPacer({ gapMs: minDelayMs }) as never,
      notifications: createPacer({ gapMs: 3 * minDelayMs }) as never,
      onRateLimit: onLimit,
      onSecondaryRateLimit: onLimit,
    },
  });
}
