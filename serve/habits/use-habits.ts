/**
 * @module Puts the production habits on a Hono app in the one order that works: the request id
 * first (so a 401 or 429 carries one too), then the in-flight count, the access log (so refusals
 * are logged), auth (so the rate limit knows the key id), the rate limit. Call it before the routes.
 * The request id and rate-limit headers are added to the answer by applyAnswerHeaders (or carried
 * by jsonAnswer): call that outermost, once the answer is made (createApp does).
 */
import type { Hono } from 'hono';
import { accessLog, type AccessLogOptions } from './access-log.js';
import { apiKeyAuth } from './api-key-auth.js';
import { DEFAULT_OPEN_PATHS } from './open-paths.js';
import type { ApiKeySet } from './api-keys.js';
import type { Lifecycle } from './lifecycle.js';
import { rateLimit } from './rate-limit.js';
import { requestId } from './request-id.js';
import type { HabitsEnv } from './variables.js';

export interface HabitsOptions {
  /** Accepted keys (loadApiKeys); none: auth off and rate limits are per client address. */
  keys?: ApiKeySet;
  /** Served without a key and never rate limited. */
  openPaths?: readonly string[];
  /** Requests per window per caller; none: no limit. */
  rateLimit?: { limit: number; windowSeconds: number };
  /** Access-log options, or false for no access log. */
  accessLog?: AccessLogOptions | false;
  lifecycle?: Lifecycle;
}

export function useHabits<E extends HabitsEnv>(app: Hono<E>, { keys, openPaths = DEFAULT_OPEN_PATHS, rateLimit: limits, accessLog: log = {}, lifecycle }: HabitsOptions = {}): void {
  const hono = app as unknown as Hono<HabitsEnv>;
  hono.use(requestId({ limitLength: 128 }));
  if (lifecycle) hono.use(lifecycle.middleware());
  if (log !== false) hono.use(accessLog(log));
  if (keys) hono.use(apiKeyAuth({ keys, openPaths }));
  if (limits) hono.use(rateLimit({ ...limits, openPaths }));
}
