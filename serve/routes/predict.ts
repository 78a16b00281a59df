/** @module POST /predict (one raw row) and POST /predict/batch (JSON array, NDJSON or CSV; invalid rows get an error entry, the others are scored). */
import type { Hono, MiddlewareHandler } from 'hono';
import { batchRows, BATCH_MEDIA_TYPES } from '../batch-input.js';
import { mediaType, parseJson, unsupportedMediaType } from '../request-problem.js';
import { limitBody } from './body-limit.js';
import type { HabitsEnv } from '../habits/index.js';
import type { ServeDeps } from './deps.js';
import { invalidRow, rowKey, scoreValid, type Row } from './rows.js';

const accepts =
  (types: readonly string[]): MiddlewareHandler =>
  async (c, next) => {
    const type = mediaType(c.req.header('content-type'));
    if (!types.includes(type)) throw unsupportedMediaType(type, types);
    await next();
  };

export function predictRoutes(app: Hono<HabitsEnv>, deps: ServeDeps): void {
  const { scorer, info, metrics } = deps;
  const model = { name: info.name, version: info.version };
  const { threshold } = info;

  app.post('/predict', accepts(['application/json']), limitBody(deps.limits.predictBytes), async (c) => {
    const row = parseJson(await c.req.text());
    const errors = scorer.validate(row);
    if (errors.length > 0) {
      metrics.observeInvalid(errors);
      throw invalidRow(errors);
    }
    const [probability = NaN] = await scoreValid(deps, [row as Row]);
    const id = rowKey(deps, row as Row);
    return c.json({ probability, label: probability >= threshold ? 1 : 0, threshold, ...(id === undefined ? {} : { id }), model });
  });

  app.post('/predict/batch', accepts(BATCH_MEDIA_TYPES), limitBody(deps.limits.batchBytes), async (c) => {
    const rows = await batchRows(c.req.header('content-type'), await c.req.text(), scorer.pkg.featureSchema);
    metrics.batchRows.observe(rows.length);
    c.set('logRows', rows.length);
    const valid: Row[] = [];
    const validIndex: number[] = [];
    const results: Record<string, unknown>[] = new Array<Record<string, unknown>>(rows.length);
    rows.forEach((row, index) => {
      const errors = scorer.validate(row);
      if (errors.length === 0) {
        valid.push(row as Row);
        validIndex.push(index);
        return;
      }
      metrics.observeInvalid(errors);
      results[index] = { index, error: `row ${index}: ${errors.map((e) => e.message).join('; ')}`, fields: errors };
    });
    const probabilities = valid.length > 0 ? await scoreValid(deps, valid) : new Float32Array(0);
    validIndex.forEach((index, k) => {
      const probability = probabilities[k] as number;
      const id = rowKey(deps, valid[k] as Row);
      results[index] = { index, probability, label: probability >= threshold ? 1 : 0, ...(id === undefined ? {} : { id }) };
    });
    return c.json({ results, scored: valid.length, invalid: rows.length - valid.length, threshold, model });
  });
}
