/** @module The KServe V2 / Open Inference Protocol subset: health, server and model metadata, model ready, infer (each also under /versions/VERSION). Health answers with the status and an empty body, as the protocol says. */
import { randomUUID } from 'node:crypto';
import type { Context, Hono } from 'hono';
import { RequestProblem, mediaType, parseJson, unsupportedMediaType } from '../request-problem.js';
import { inferResponse, readInferRequest, v2ModelMetadata } from '../v2-infer.js';
import { limitBody } from './body-limit.js';
import { namesInSchema, quickRowCheck } from '../quick-row-check.js';
import { jsonAnswer, type HabitsEnv } from '../habits/index.js';
import type { LoadedModel } from '../loaded-model.js';
import type { Choice } from '../model-router.js';
import { answeredBy } from './caller.js';
import type { ServeDeps } from './deps.js';
import { withModel } from './predict.js';
import { score, type Row, type ScoringInput } from './rows.js';

export function v2Routes(app: Hono<HabitsEnv>, deps: ServeDeps, serverVersion: string): void {
  const { metrics, models } = deps;
  // Per model (a reload brings another): computed on first use.
  const metadata = new WeakMap<LoadedModel, unknown>();
  const metadataOf = (m: LoadedModel) => {
    if (!metadata.has(m)) metadata.set(m, v2ModelMetadata({ name: m.info.name, version: m.info.version, schema: m.scorer.pkg.featureSchema, spec: m.scorer.pkg.preprocessing }));
    return metadata.get(m);
  };
  const own = (name: string) => {
    const served = models.primary.info.name;
    if (name !== served) throw new RequestProblem(404, 'model_not_found', `no model '${name}' here; this server serves '${served}'`);
  };
  /** `/versions/VERSION` routes: the version must be the primary's (a canary's version is reached through the unversioned routes). */
  const ownVersion = (name: string, version: string, model = models.primary) => {
    own(name);
    const served = model.info.version;
    if (version === served) return;
    throw new RequestProblem(
      404,
      'model_version_not_found',
      served ? `model '${name}' has no version '${version}' here; this server serves ${served}` : `model '${name}' has no versions here (served from a directory, unversioned): use /v2/models/${name}`,
    );
  };

  app.get('/v2', (c) => c.json({ name: 'pipe', version: serverVersion, extensions: [] }));
  app.get('/v2/health/live', (c) => c.body(null, 200));
  app.get('/v2/health/ready', (c) => c.body(null, deps.isReady() ? 200 : 400));
  app.get('/v2/models/:name', (c) => {
    own(c.req.param('name'));
    return c.json(metadataOf(models.primary));
  });
  app.get('/v2/models/:name/ready', (c) => {
    own(c.req.param('name'));
    return c.body(null, deps.isReady() ? 200 : 400);
  });
  app.get('/v2/models/:name/versions/:version', (c) => {
    ownVersion(c.req.param('name'), c.req.param('version'));
    return c.json(metadataOf(models.primary));
  });
  app.get('/v2/models/:name/versions/:version/ready', (c) => {
    ownVersion(c.req.param('name'), c.req.param('version'));
    return c.body(null, deps.isReady() ? 200 : 400);
  });
  app.post('/v2/models/:name/infer', limitBody(deps.limits.batchBytes), async (c) => {
    own(c.req.param('name'));
    return infer(c);
  });
  app.post('/v2/models/:name/versions/:version/infer', limitBody(deps.limits.batchBytes), async (c) => {
    const version = c.req.param('version');
    ownVersion(c.req.param('name'), version);
    return infer(c, version);
  });

  /** An infer request; one naming a version in its path (`pinned`) is answered by the primary, never a canary, and only while it is that version. */
  async function infer(c: Context<HabitsEnv>, pinned?: string): Promise<Response> {
    const type = mediaType(c.req.header('content-type'));
    if (type !== 'application/json') throw unsupportedMediaType(type, ['application/json']);
    const request = readInferRequest(parseJson(await c.req.text()), models.primary.scorer.width);
    const n = request.input.kind === 'matrix' ? request.input.rows : request.input.rows.length;
    metrics.batchRows.observe(n);
    c.set('logRows', n);
    const first = request.input.kind === 'matrix' ? undefined : request.input.rows[0];
    const answer = async (choice: Choice) => {
      let input: ScoringInput;
      if (request.input.kind === 'matrix') input = { kind: 'matrix', x: request.input.x, rows: request.input.rows };
      else {
        const { rows, names } = request.input;
        // Rows whose columns are all the model's get a quick yes where it is sure (serve/quick-row-check.ts), ajv the rest.
        const { featureSchema } = choice.model.scorer.pkg;
        const quick = namesInSchema(featureSchema, names) ? quickRowCheck(featureSchema) : undefined;
        rows.forEach((row, index) => {
          if (quick !== undefined && quick(row)) return;
          const errors = choice.model.scorer.validate(row);
          if (errors.length === 0) return;
          metrics.observeInvalid(errors);
          throw new RequestProblem(400, 'invalid_row', `row ${index}: ${errors.map((e) => e.message).join('; ')}`, { index, fields: errors });
        });
        input = { kind: 'rows', rows: rows as Row[] };
      }
      const { probabilities, model } = await score(deps, choice, input);
      answeredBy(c, model);
      return jsonAnswer(c, inferResponse({ name: model.info.name, version: model.info.version, id: request.id ?? randomUUID(), outputs: request.outputs, probabilities, threshold: model.info.threshold }));
    };
    const byPrimary = async () => {
      const primary = models.primaryChoice();
      try {
        // Checked again under the lease: a reload while the body came in may have brought another version.
        if (pinned !== undefined) ownVersion(primary.model.info.name, pinned, primary.model);
        return await answer(primary);
      } finally {
        primary.release();
      }
    };
    if (pinned !== undefined) return byPrimary();
    return withModel(deps, c, first, async (choice) => {
      // A canary of another width cannot take a tensor preprocessed for the primary's: the primary answers.
      if (request.input.kind !== 'matrix' || choice.model.scorer.width === models.primary.scorer.width) return answer(choice);
      return byPrimary();
    });
  }
}
