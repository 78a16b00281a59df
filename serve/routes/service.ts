/** @module The service's own routes: liveness, readiness, the model's description (with its last reload, the canary and the shadow), the OpenAPI document and the Prometheus exposition. */
import type { Hono } from 'hono';
import { openApiDocument } from '../openapi.js';
import type { HabitsEnv } from '../habits/index.js';
import type { LoadedModel } from '../loaded-model.js';
import type { ModelRouter } from '../model-router.js';
import type { ServeDeps } from './deps.js';

/** GET /model: the primary's description (its stage only while it holds it), how the last reload went, and the canary's and shadow's state. */
export function modelDescription(models: ModelRouter, stageHeld: () => boolean = () => true): Record<string, unknown> {
  const { canary, shadow } = models;
  const reload = models.slot.lastReload;
  const cut = canary?.guard.cutOff;
  return {
    ...models.primary.info,
    ...(stageHeld() ? {} : { stage: null }),
    ...(reload ? { last_reload: { at: reload.at.toISOString(), ok: reload.ok, ...(reload.error === undefined ? {} : { error: reload.error }) } } : {}),
    ...(canary
      ? {
          canary: {
            name: canary.model.info.name,
            version: canary.model.info.version,
            weight: canary.weight,
            state: cut ? 'rolled_back' : 'active',
            reason: cut?.reason ?? null,
            detail: cut?.message ?? null,
            since: cut?.since.toISOString() ?? canary.model.info.loaded_at,
            window: canary.guard.reading(),
          },
        }
      : {}),
    ...(shadow ? { shadow: { name: shadow.info.name, version: shadow.info.version, loaded_at: shadow.info.loaded_at } } : {}),
  };
}

export function serviceRoutes(app: Hono<HabitsEnv>, deps: ServeDeps): void {
  const { metrics, models } = deps;
  const openapi = new WeakMap<LoadedModel, string>();
  const openapiOf = (m: LoadedModel) => {
    let doc = openapi.get(m);
    if (doc === undefined) {
      doc = JSON.stringify(openApiDocument({ name: m.info.name, version: m.info.version, schema: m.scorer.pkg.featureSchema, v2Name: m.info.name }));
      openapi.set(m, doc);
    }
    return doc;
  };
  app.get('/health/live', (c) => c.json({ status: 'live' }));
  app.get('/health/ready', (c) => {
    const { name, version } = models.primary.info;
    return deps.isReady() ? c.json({ status: 'ready', model: { name, version } }) : c.json({ status: 'not ready', error: 'the model is not loaded' }, 503);
  });
  app.get('/model', (c) => c.json(modelDescription(models, deps.stageHeld)));
  app.get('/openapi.json', (c) => c.body(openapiOf(models.primary), 200, { 'content-type': 'application/json' }));
  app.get('/metrics', async (c) => c.body(await (deps.exposition?.() ?? metrics.registry.metrics()), 200, { 'content-type': metrics.registry.contentType }));
}
