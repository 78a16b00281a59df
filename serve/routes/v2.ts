/** @module The KServe V2 / Open Inference Protocol subset: health, server and model metadata, model ready, infer. Health answers with the status and an empty body, as the protocol says. */
import { randomUUID } from 'node:crypto';
import type { Hono } from 'hono';
import { RequestProblem, mediaType, parseJson, unsupportedMediaType } from '../request-problem.js';
import { inferResponse, readInferRequest, v2ModelMetadata } from '../v2-infer.js';
import { limitBody } from './body-limit.js';
import type { HabitsEnv } from '../habits/index.js';
import type { ServeDeps } from './deps.js';
import { scoreValid, type Row } from './rows.js';

export function v2Routes(app: Hono<HabitsEnv>, deps: ServeDeps, serverVersion: string): void {
  const { scorer, info, metrics } = deps;
  const metadata = v2ModelMetadata({ name: info.name, version: info.version, schema: scorer.pkg.featureSchema, spec: scorer.pkg.preprocessing });
  const notFound = (name: string) => new RequestProblem(404, 'model_not_found', `no model '${name}' here; this server serves '${info.name}'`);
  const own = (name: string) => {
    if (name !== info.name) throw notFound(name);
  };

  app.get('/v2', (c) => c.json({ name: 'pipe', version: serverVersion, extensions: [] }));
  app.get('/v2/health/live', (c) => c.body(null, 200));
  app.get('/v2/health/ready', (c) => c.body(null, deps.isReady() ? 200 : 400));
  app.get('/v2/models/:name', (c) => {
    own(c.req.param('name'));
    return c.json(metadata);
  });
  app.get('/v2/models/:name/ready', (c) => {
    own(c.req.param('name'));
    return c.body(null, deps.isReady() ? 200 : 400);
  });
  app.post(
    '/v2/models/:name/infer',
    limitBody(deps.limits.batchBytes),
    async (c) => {
      own(c.req.param('name'));
      const type = mediaType(c.req.header('content-type'));
      if (type !== 'application/json') throw unsupportedMediaType(type, ['application/json']);
      const request = readInferRequest(parseJson(await c.req.text()), scorer.width);
      let probabilities: Float32Array;
      if (request.input.kind === 'matrix') {
        metrics.batchRows.observe(request.input.rows);
        c.set('logRows', request.input.rows);
        probabilities = await scorer.scoreMatrix(request.input.x, request.input.rows);
        metrics.observeScores(probabilities, info.threshold);
      } else {
        const { rows } = request.input;
        metrics.batchRows.observe(rows.length);
        c.set('logRows', rows.length);
    c.set('logRows', rows.length);
        rows.forEach((row, index) => {
          const errors = scorer.validate(row);
          if (errors.length === 0) return;
          metrics.observeInvalid(errors);
          throw new RequestProblem(400, 'invalid_row', `row ${index}: ${errors.map((e) => e.message).join('; ')}`, { index, fields: errors });
        });
        probabilities = await scoreValid(deps, rows as Row[]);
      }
      return c.json(inferResponse({ name: info.name, version: info.version, id: request.id ?? randomUUID(), outputs: request.outputs, probabilities, threshold: info.threshold }));
    },
  );
}
