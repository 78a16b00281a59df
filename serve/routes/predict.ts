/** @module POST /predict (one raw row) and POST /predict/batch (JSON array, NDJSON or CSV; invalid rows get an error entry, the others are scored). A request takes its model (primary or canary) once and answers with it; X-Model-Version says which. */
import type { Context, Hono, MiddlewareHandler } from 'hono';
import { batchRows, BATCH_MEDIA_TYPES } from '../batch-input.js';
import { quickRowCheck } from '../quick-row-check.js';
import { mediaType, parseJson, unsupportedMediaType } from '../request-problem.js';
import { limitBody } from './body-limit.js';
import { jsonTextAnswer, type HabitsEnv } from '../habits/index.js';
import { batchJson, batchResultJson, predictionJson } from './prediction-json.js';
import type { Choice } from '../model-router.js';
import { answeredBy, callerOf } from './caller.js';
import type { ServeDeps } from './deps.js';
import { invalidRow, rowKey, score, whenThere, type Now, type Row } from './rows.js';

const accepts =
  (types: readonly string[]): MiddlewareHandler =>
  (c, next) => {
    const type = mediaType(c.req.header('content-type'));
    if (!types.includes(type)) throw unsupportedMediaType(type, types);
    return next();
  };

/** Runs `fn` with the model for this caller (`row`: the request's first row, for a `field:` canary key), held until it settles (synchronously when `fn` is). */
export function withModel<T>(deps: ServeDeps, c: Context<HabitsEnv>, row: unknown, fn: (choice: Choice) => Now<T>): Now<T> {
  const canary = deps.models.canary;
  const choice = deps.models.choose(() => (canary ? callerOf(c, canary.key, row) : ''));
  let out: Now<T>;
  try {
    out = fn(choice);
  } catch (error) {
    choice.release();
    throw error;
  }
  if (out instanceof Promise) return out.finally(choice.release);
  choice.release();
  return out;
}

export function predictRoutes(app: Hono<HabitsEnv>, deps: ServeDeps): void {
  const { metrics } = deps;

  app.post('/predict', accepts(['application/json']), limitBody(deps.limits.predictBytes), async (c) => {
    const row = parseJson(await c.req.text());
    return withModel(deps, c, row, (choice) => {
      const errors = choice.model.scorer.validate(row);
      if (errors.length > 0) {
        metrics.observeInvalid(errors);
        throw invalidRow(errors);
      }
      return whenThere(score(deps, choice, { kind: 'rows', rows: [row as Row] }), ({ probabilities, model }) => {
        answeredBy(c, model);
        return jsonTextAnswer(c, predictionJson(model, probabilities[0] as number, rowKey(model, row as Row)));
      });
    });
  });

  app.post('/predict/batch', accepts(BATCH_MEDIA_TYPES), limitBody(deps.limits.batchBytes), async (c) => {
    // CSV cells are typed by the primary's schema; a canary takes the whole batch (its caller decides, by the first row for a field key).
    // The bytes: a large body's text is read in pieces (serve/body-pieces.ts).
    const bytes = Buffer.from(await c.req.arrayBuffer());
    // The primary once the body is in: a reload while it arrived brings the schema the batch is then scored with.
    const schema = deps.models.primary.scorer.pkg.featureSchema;
    const { rows, inSchema } = await batchRows(c.req.header('content-type'), bytes, schema);
    metrics.batchRows.observe(rows.length);
    c.set('logRows', rows.length);
    return withModel(deps, c, rows[0], async (choice) => {
      // Rows of the schema's keys only get a quick yes where it is sure (serve/quick-row-check.ts): ajv, 4× its time, then only names what is wrong.
      const quick = inSchema && choice.model.scorer.pkg.featureSchema === schema ? quickRowCheck(schema) : undefined;
      const valid: Row[] = [];
      const validIndex: number[] = [];
      // Each result's JSON, in row order: the answer is written as one template (prediction-json.ts), not built as objects for JSON.stringify.
      const results: string[] = new Array<string>(rows.length);
      for (let index = 0; index < rows.length; index++) {
        const row = rows[index];
        if (quick !== undefined && quick(row as Row)) {
          valid.push(row as Row);
          validIndex.push(index);
          continue;
        }
        const errors = choice.model.scorer.validate(row);
        if (errors.length === 0) {
          valid.push(row as Row);
          validIndex.push(index);
          continue;
        }
        metrics.observeInvalid(errors);
        results[index] = JSON.stringify({ index, error: `row ${index}: ${errors.map((e) => e.message).join('; ')}`, fields: errors });
      }
      const { probabilities, model } = valid.length > 0 ? await score(deps, choice, { kind: 'rows', rows: valid }) : { probabilities: new Float32Array(0), model: choice.model };
      const { threshold } = model.info;
      for (let k = 0; k < validIndex.length; k++) {
        const index = validIndex[k] as number;
        results[index] = batchResultJson(index, probabilities[k] as number, threshold, rowKey(model, valid[k] as Row));
      }
      answeredBy(c, model);
      return jsonTextAnswer(c, batchJson(model, results, valid.length, rows.length - valid.length));
    });
  });
}
