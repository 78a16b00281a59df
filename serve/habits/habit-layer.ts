/**
 * @module The production habits folded into one layer around a route's handlers: the request id,
 * the in-flight count, the access log, auth, the rate limit (and the caller's request metrics), in
 * that order, done synchronously and awaiting only when the route answers with a promise. As five
 * `async` middlewares in Hono's compose each request paid five promise chains and five dispatch
 * frames (~µs each); and a route registered with one handler takes Hono's fast path, no compose at all.
 */
import type { Context, MiddlewareHandler } from 'hono';
import { routePath } from 'hono/route';
import { applyAnswerHeaders } from './answer-headers.js';
import { accessLogWriter, type AccessLogOptions } from './access-log.js';
import { apiKeyCheck } from './api-key-auth.js';
import type { ApiKeySet } from './api-keys.js';
import type { Lifecycle } from './lifecycle.js';
import { DEFAULT_OPEN_PATHS } from './open-paths.js';
import { rateLimitCheck } from './rate-limit.js';
import { assignRequestId } from './request-id.js';
import type { HabitsEnv } from './variables.js';

type Answer = Response | Promise<Response>;

/** Runs `inner` (the route) inside the habits; `route` is the matched pattern (`/*` when none matched), for the log and the metrics. */
export type HabitLayer = (c: Context<HabitsEnv>, route: string, inner: () => Answer) => Answer;

/** What the layer tells the request metrics (serve/metrics.ts's ServeMetrics is one). */
export interface RequestMeter {
  readonly inFlight: { inc(): void; dec(): void };
  requestSeries(method: string, route: string, status: number): { observe(seconds: number): void };
}

export interface HabitLayerOptions {
  /** Request ids on (useHabits, pipe serve) or off (an app without habits). */
  requestIds?: boolean;
  keys?: ApiKeySet;
  openPaths?: readonly string[];
  rateLimit?: { limit: number; windowSeconds: number };
  /** Access-log options, or false for none. */
  accessLog?: AccessLogOptions | false;
  lifecycle?: Lifecycle;
  /** Request duration and count by route and status, measured around everything else. */
  meter?: RequestMeter;
  /** Runs first, before the request id (createApp: the model version for the log). */
  before?: (c: Context<HabitsEnv>) => void;
  /** Turns an error of the route into its answer (the app's onError); without it the error propagates. */
  onError?: (error: Error, c: Context<HabitsEnv>) => Response | Promise<Response>;
}

/** The metrics' route label: the registered pattern, never the raw path (a label per URL would grow without bound). */
const meterRoute = (pattern: string) => (pattern === '*' || pattern === '/*' || pattern === '' ? '(unmatched)' : pattern);

export function habitLayer({ requestIds = true, keys, openPaths = DEFAULT_OPEN_PATHS, rateLimit, accessLog = {}, lifecycle, meter, before, onError }: HabitLayerOptions = {}): HabitLayer {
  const auth = keys ? apiKeyCheck({ keys, openPaths }) : undefined;
  const limit = rateLimit ? rateLimitCheck({ ...rateLimit, openPaths }) : undefined;
  const log = accessLog === false ? undefined : accessLogWriter(accessLog);

  const finish = (c: Context<HabitsEnv>, route: string, answer: Response, start: number, logStart: number): Response => {
    // As Hono's compose does with a handler's answer: it becomes the context's response.
    if (!c.finalized) c.res = answer;
    log?.write(c, route, c.res.status, logStart);
    lifecycle?.leave(c);
    applyAnswerHeaders(c);
    if (meter) {
      meter.inFlight.dec();
      meter.requestSeries(c.req.method, meterRoute(route), c.res.status).observe((performance.now() - start) / 1000);
    }
    return c.res;
  };

  const failed = (c: Context<HabitsEnv>, error: unknown): Answer => {
    if (!onError || !(error instanceof Error)) throw error;
    return onError(error, c);
  };

  return (c, route, inner) => {
    const start = meter ? performance.now() : 0;
    meter?.inFlight.inc();
    before?.(c);
    if (requestIds) assignRequestId(c);
    lifecycle?.enter();
    const logStart = log ? log.now() : 0;
    let answer: Answer;
    let erred = false;
    try {
      answer = auth?.(c) ?? limit?.(c) ?? inner();
    } catch (error) {
      erred = true;
      try {
        answer = failed(c, error);
      } catch (unanswered) {
        abandon(c, route, start, logStart);
        throw unanswered;
      }
    }
    if (!(answer instanceof Promise)) return finish(c, route, erred ? replaced(c, answer) : answer, start, logStart);
    return answer.then(
      (a) => finish(c, route, erred ? replaced(c, a) : a, start, logStart),
      async (error: unknown) => {
        let a: Response;
        try {
          a = await failed(c, error);
        } catch (unanswered) {
          abandon(c, route, start, logStart);
          throw unanswered;
        }
        return finish(c, route, replaced(c, a), start, logStart);
      },
    );
  };

  /** An error nobody answered: still logged (as a 500), counted and let out of flight, then thrown on. */
  function abandon(c: Context<HabitsEnv>, route: string, start: number, logStart: number): void {
    log?.write(c, route, 500, logStart);
    lifecycle?.leave(c);
    if (meter) {
      meter.inFlight.dec();
      meter.requestSeries(c.req.method, meterRoute(route), 500).observe((performance.now() - start) / 1000);
    }
  }
}

/** An error's answer replaces whatever the route had made (compose does the same). */
function replaced(c: Context<HabitsEnv>, answer: Response): Response {
  c.res = answer;
  return c.res;
}

/** The layer as one Hono middleware, for an app whose routes are registered the usual way (useHabits). */
export function habitMiddleware(layer: HabitLayer): MiddlewareHandler<HabitsEnv> {
  return async (c, next) =>
    layer(c, routePath(c, -1), async () => {
      await next();
      return c.res;
    });
}
