/**
 * @module The inference service as a Hono app (createApp(deps) → Hono; no listen: server.ts does
 * that, tests call app.request()). Every request is measured; every error is JSON
 * (`{error, code, …}`): bad input is a 4xx naming what is wrong, an unknown route a 404, and only
 * a bug is a 500. Auth, rate limits and request logs run in one layer around each route (fold-routes.ts).
 */
import { Hono } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { Context } from 'hono';
import { habitLayer, type HabitsEnv, type HabitsOptions } from './habits/index.js';
import { foldRoutes } from './fold-routes.js';
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

  const answerError = (error: Error, c: Context<HabitsEnv>): Response => {
    if (error instanceof RequestProblem) return c.json(error.body(), error.status);
    // The caller hung up mid-body: nginx's 499, not a server error (a 5xx alert must not fire on client timeouts).
    if (c.req.raw.signal.aborted || error.message === 'aborted') return c.json({ error: 'the client closed the request', code: 'client_closed' }, 499 as ContentfulStatusCode);
    if (error instanceof HTTPException) return c.json({ error: error.message || 'request refused', code: 'http_error' }, error.status);
    if (error instanceof ScoringFailed) {
      logError(error);
      return c.json({ error: `the model could not score this request (${error.message}); the server log has the details`, code: 'scoring_failed' }, 500);
    }
    logError(error);
    return c.json({ error: 'internal error while answering; the server log has the details', code: 'internal' }, 500);
  };
  // Every request is measured (outermost, so a refused one, 401 or 429, is measured too), then the
  // habits in their order: request id, in-flight count, access log, auth, rate limit. One layer, run
  // inside each route's single handler (fold-routes.ts), not five middlewares.
  const layer = habitLayer({
    ...(habits ?? { requestIds: false, accessLog: false }),
    meter: metrics,
    before: (c) => c.set('logModelVersion', deps.models.primary.label),
    onError: answerError,
  });

  const table = new Hono<HabitsEnv>();
  predictRoutes(table, deps);
  v2Routes(table, deps, serverVersion);
  serviceRoutes(table, deps);
  foldRoutes(table, app, layer);

  app.notFound((c) => layer(c, '/*', () => c.json({ error: `no route ${c.req.method} ${c.req.path}; GET /openapi.json lists the routes`, code: 'not_found' }, 404)));
  app.onError(answerError);
  return app;
}
