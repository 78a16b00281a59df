/** @module The service's own routes: liveness, readiness, the model's description, the OpenAPI document and the Prometheus exposition. */
import type { Hono } from 'hono';
import { openApiDocument } from '../openapi.js';
import type { HabitsEnv } from '../habits/index.js';
import type { ServeDeps } from './deps.js';

export function serviceRoutes(app: Hono<HabitsEnv>, deps: ServeDeps): void {
  const { info, metrics, scorer } = deps;
  const openapi = JSON.stringify(openApiDocument({ name: info.name, version: info.version, schema: scorer.pkg.featureSchema, v2Name: info.name }));
  app.get('/health/live', (c) => c.json({ status: 'live' }));
  app.get('/health/ready', (c) =>
    deps.isReady() ? c.json({ status: 'ready', model: { name: info.name, version: info.version } }) : c.json({ status: 'not ready', error: 'the model is not loaded' }, 503),
  );
  app.get('/model', (c) => c.json(info));
  app.get('/openapi.json', (c) => c.body(openapi, 200, { 'content-type': 'application/json' }));
  app.get('/metrics', async (c) => c.body(await (deps.exposition?.() ?? metrics.registry.metrics()), 200, { 'content-type': metrics.registry.contentType }));
}
