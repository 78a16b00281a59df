/**
 * @module Puts the production habits on a Hono app in the one order that works: the request id
 * first (so a 401 or 429 carries one too), then the in-flight count, the access log (so refusals
 * are logged), auth (so the rate limit knows the key id), the rate limit. Call it before the routes.
 * The request id and rate-limit headers are added to the answer once it is made (jsonAnswer's carry them already).
 */
import type { Hono } from 'hono';
import type { AccessLogOptions } from './access-log.js';
import type { ApiKeySet } from './api-keys.js';
import { habitLayer, habitMiddleware } from './habit-layer.js';
import type { Lifecycle } from './lifecycle.js';
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

/** The habits as one middleware on every route (createApp folds them into each route instead: habit-layer.ts). */
export function useHabits<E extends HabitsEnv>(app: Hono<E>, options: HabitsOptions = {}): void {
  (app as unknown as Hono<HabitsEnv>).use(habitMiddleware(habitLayer(options)));
}
