/**
 * @module Per-caller rate limits for the inference service: a token bucket per API key id (per
 * client address when auth is off). Every answer carries the RateLimit fields of
 * draft-ietf-httpapi-ratelimit-headers-06 (RateLimit-Limit, RateLimit-Remaining, RateLimit-Reset,
 * RateLimit-Policy); a refused request gets 429 with Retry-After and a JSON body.
 */
import { getConnInfo } from '@hono/node-server/conninfo';
import type { Context, MiddlewareHandler } from 'hono';
import { PipeError } from '../../runner/index.js';
import { answerHeaders, applyAnswerHeaders, jsonAnswer } from './answer-headers.js';
import { openPathMatcher } from './open-paths.js';
import { TokenBuckets } from './token-buckets.js';
import type { HabitsEnv } from './variables.js';

export interface RateLimitOptions {
  /** Requests per window on average; also the burst a caller that was quiet may send at once. */
  limit: number;
  windowSeconds: number;
  /** Who is limited: the API key id when auth set one, else the client address. */
  keyOf?: (c: Context<HabitsEnv>) => string;
  /** Milliseconds on a monotonic clock (tests pass their own). */
  now?: () => number;
  /** Paths never limited (health checks, the metrics scrape): exact, or a prefix ending in `/*`. */
  openPaths?: readonly string[];
  maxKeys?: number;
}

export function rateLimit(options: RateLimitOptions): MiddlewareHandler<HabitsEnv> {
  const check = rateLimitCheck(options);
  return async function rateLimit(c, next) {
    const refused = check(c);
    if (refused) return refused;
    await next();
    // Used without the request id (which adds them for every habit), the headers are added here.
    applyAnswerHeaders(c);
  };
}

/** The limit itself, synchronous: takes a token and sets the RateLimit headers; undefined when the request may go on, else the 429 to answer. */
export function rateLimitCheck({ limit, windowSeconds, keyOf = callerOf, now = () => performance.now(), openPaths = [], maxKeys }: RateLimitOptions): (c: Context<HabitsEnv>) => Response | undefined {
  const buckets = new TokenBuckets({ limit, windowMs: windowSeconds * 1000, maxKeys });
  const isOpen = openPathMatcher(openPaths);
  const limitHeader = String(limit);
  const policy = `${limit};w=${windowSeconds}`;
  return function rateLimitCheck(c) {
    if (isOpen(c.req.path)) return undefined;
    const t = buckets.take(keyOf(c), now());
    const added = answerHeaders(c);
    added['ratelimit-limit'] = limitHeader;
    added['ratelimit-remaining'] = String(t.remaining);
    added['ratelimit-reset'] = String(t.resetSeconds);
    added['ratelimit-policy'] = policy;
    if (t.allowed) return undefined;
    added['retry-after'] = String(t.retryAfterSeconds);
    return jsonAnswer(c, { code: 'RATE_LIMITED', error: `Too many requests: this caller may send ${limit} per ${windowSeconds} s; retry in ${t.retryAfterSeconds} s.` }, 429);
  };
}

/** The API key id, else the peer address. */
function callerOf(c: Context<HabitsEnv>): string {
  return c.get('apiKeyId') ?? clientAddress(c);
}

/** The peer's address (`app.request()` in tests has no socket: `anonymous`, one shared bucket). */
export function clientAddress(c: Context): string {
  try {
    return getConnInfo(c).remote.address ?? 'anonymous';
  } catch {
    return 'anonymous';
  }
}

const UNITS: Record<string, number> = { s: 1, sec: 1, m: 60, min: 60, h: 3600 };

/** Parses a limit such as `100/s`, `6000/min` or `20/10s` (a command-line flag's value); `flag` names it in the error (exit 2). */
export function parseRateLimit(text: string, flag = '--rate-limit'): { limit: number; windowSeconds: number } {
  const m = /^(\d+)\s*\/\s*(\d*)\s*(s|sec|m|min|h)$/.exec(text.trim());
  const limit = m ? Number(m[1]) : NaN;
  const count = m && m[2] !== '' ? Number(m[2]) : 1;
  if (!m || !(limit >= 1) || !(count >= 1)) {
    throw new PipeError('USAGE', `${flag} expects requests per time such as 100/s, 6000/min or 20/10s; got "${text}".`, { flag });
  }
  return { limit, windowSeconds: count * (UNITS[m[3]!] ?? 1) };
}
