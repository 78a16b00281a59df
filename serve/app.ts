/**
 * @module The inference service as a Hono app (createApp(deps) → Hono; no listen: server.ts does
 * that, tests call app.request()). Every request is measured; every error is JSON
 * (`{error, code, …}`): bad input is a 4xx naming what is wrong, an unknown route a 404, and only
 * a bug is a 500. Auth, rate limits and request logs slot in as middleware before the routes.
 */
import { Hono } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { routePath } from 'hono/route';
import { applyAnswerHeaders, useHabits, type HabitsEnv, type HabitsOptions } from './habits/index.js';
import { pipeVersion } from '../runner/command/index.js';
import { RequestProblem } from './request-problem.js';
import { ScoringFailed } from './routes/score-with.js';
import type { ServeDeps } from './routes/deps.js';
import { predictRoutes } from './routes/predict.js';
import { serviceRoutes } from './routes/service.js';
import { v2Routes } from './routes/v2.js';

export type { ServeDeps } from './routes/deps.js';

export const DEFAULT_LIMITS = { predictBytes: 64 * 1024, batchBytes: 16 * 1024 * 1024 } as const;

export function createApp(
  deps: ServeDeps,
  { serverVersion = pipeVersion(), logError = (e: unknown) => console.error(e), habits }: { serverVersion?: string; logError?: (e: unknown) => void; habits?: HabitsOptions } = {},
): Hono<HabitsEnv> {
  const app = new Hono<HabitsEnv>();
  const { metrics } = deps;

  app.use('*', async (c, next) => {
    const start = performance.now();
    metrics.inFlight.inc();
    c.set('logModelVersion', deps.models.primary.label);
    try {
      await next();
      // The model version (and without habits, nothing else) on answers not built by jsonAnswer.
      applyAnswerHeaders(c);
    } finally {
      metrics.inFlight.dec();
      // The registered pattern, never the raw path: a label per URL would grow without bound.
      const pattern = routePath(c, -1);
      const route = pattern === '*' || pattern === '/*' || pattern === '' ? '(unmatched)' : pattern;
      metrics.requestSeries(c.req.method, route, c.res.status).observe((performance.now() - start) / 1000);
    }
  });
  // Then request id, in-flight count, access log, auth, rate limit: after the measuring, so a refused request (401, 429) is measured too.
  if (habits) useHabits(app, habits);

  predictRoutes(app, deps);
  v2Routes(app, deps, serverVersion);
  serviceRoutes(app, deps);

  app.notFound((c) => c.json({ error: `no route ${c.req.method} ${c.req.path}; GET /openapi.json lists the routes`, code: 'not_found' }, 404));
  app.onError((error, c) => {
    if (error instanceof RequestProblem) return c.json(error.body(), error.status);
    // The caller hung up mid-body: nginx's 499, not a server error (a 5xx alert must not fire on client timeouts).
    if (c.req.raw.signal.aborted || (error instanceof Error && error.message === 'aborted')) return c.json({ error: 'the client closed the request', code: 'client_closed' }, 499 as ContentfulStatusCode);
    if (error instanceof HTTPException) return c.json({ error: error.message || 'request refused', code: 'http_error' }, error.status);
    if (error instanceof ScoringFailed) {
      logError(error);
      return c.json({ error: `the model could not score this request (${error.message}); the server log has the details`, code: 'scoring_failed' }, 500);
    }
    logError(error);
    return c.json({ error: 'internal error while answering; the server log has the details', code: 'internal' }, 500);
  });
  return app;
}
