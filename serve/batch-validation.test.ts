/**
 * POST /predict/batch's validation around serve/quick-row-check.ts, through the real Hono app: the
 * quick yes is given only to rows read with the schema of the model that scores them, and only
 * to rows whose keys are all that schema's; everything else is ajv's, as before the check.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, onTestFinished, vi } from 'vitest';
import { TINY_SCHEMA, writeTinyPackage } from '../test/helpers/model-package.js';
import { createApp } from './app.js';
import { batchRows } from './batch-input.js';
import { CanaryGuard } from './canary/canary-guard.js';
import { CANARY_SLO_DEFAULTS } from './canary/canary-slo.js';
import { ModelSlot } from './habits/index.js';
import { disposeLoaded, loadServedModel, type LoadedModel } from './loaded-model.js';
import { createMetrics } from './metrics.js';
import { ModelRouter } from './model-router.js';

let root: string;
let tiny: LoadedModel;
/** The tiny model with another schema: its id a number, its age at most 40. */
let other: LoadedModel;
/** The tiny model whose schema has no id column, and one whose rows must have at least 3 keys. */
let noId: LoadedModel;
let threeKeys: LoadedModel;
const logged: unknown[] = [];

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'pipe-batch-validation-'));
  await writeTinyPackage(join(root, 'tiny'));
  cpSync(join(root, 'tiny'), join(root, 'other'), { recursive: true });
  const file = join(root, 'other', 'feature-schema.json');
  const schema = JSON.parse(readFileSync(file, 'utf8')) as { properties: Record<string, Record<string, unknown>> };
  schema.properties.id = { type: 'integer' };
  (schema.properties.age as Record<string, unknown>).maximum = 40;
  writeFileSync(file, JSON.stringify(schema));
  const variant = (name: string, edit: (schema: Record<string, unknown> & { properties: Record<string, unknown> }) => void) => {
    cpSync(join(root, 'tiny'), join(root, name), { recursive: true });
    const path = join(root, name, 'feature-schema.json');
    const json = JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown> & { properties: Record<string, unknown> };
    edit(json);
    writeFileSync(path, JSON.stringify(json));
    return loadServedModel({ dir: join(root, name), name: 'tiny', source: 'directory' }, { monitorDrift: false });
  };
  tiny = await loadServedModel({ dir: join(root, 'tiny'), name: 'tiny', source: 'directory' }, { monitorDrift: false });
  other = await loadServedModel({ dir: join(root, 'other'), name: 'tiny', source: 'directory' }, { monitorDrift: false });
  noId = await variant('no-id', (json) => delete json.properties.id);
  threeKeys = await variant('three-keys', (json) => (json.minProperties = 3));
}, 120_000);

afterAll(() => {
  expect(logged).toEqual([]);
  if (tiny) disposeLoaded(tiny);
  if (other) disposeLoaded(other);
  for (const model of [noId, threeKeys]) if (model) disposeLoaded(model);
  if (root) rmSync(root, { recursive: true, force: true });
});

function appOf(models: ModelRouter) {
  const { info } = tiny;
  const metrics = createMetrics({ name: info.name, version: info.version, commit: info.commit, stage: info.stage, backend: info.backend, engine: info.engine, fields: info.features });
  return createApp({ models, metrics, isReady: () => true, limits: { predictBytes: 1000, batchBytes: 20_000 } }, { logError: (e) => logged.push(e) });
}

const post = (app: ReturnType<typeof appOf>, body: string | ReadableStream<Uint8Array>, type = 'application/json', extra: RequestInit = {}) =>
  app.request('/predict/batch', { method: 'POST', body, headers: { 'content-type': type }, ...extra });

describe('POST /predict/batch and KServe V2 infer: the quick row check', () => {
  it('is given rows read by the schema’s reader and plain CSV of its columns, never reordered JSON', async () => {
    const row = { id: 'c-1', age: 61, spend: 1.5, plan: 'pro' };
    const read = (body: string, type: string) => batchRows(type, Buffer.from(body), TINY_SCHEMA);
    expect((await read(JSON.stringify([row]), 'application/json')).inSchema).toBe(true);
    expect((await read(`${JSON.stringify(row)}\n`, 'application/x-ndjson')).inSchema).toBe(true);
    expect((await read('age,plan\n61,pro\n', 'text/csv')).inSchema).toBe(true);
    // Optional keys left out (id and spend): still the reader's, and answered as JSON.parse's rows are.
    const sparse = [{ age: 61, plan: 'pro' }, { age: 130, spend: 2, plan: 'basic' }];
    expect((await read(JSON.stringify(sparse), 'application/json')).inSchema).toBe(true);
    const app = appOf(new ModelRouter(new ModelSlot(tiny)));
    const answer = await (await post(app, JSON.stringify(sparse))).text();
    expect(JSON.parse(answer)).toMatchObject({ scored: 1, invalid: 1, results: [{ index: 0 }, { index: 1, fields: [{ field: 'age', kind: 'range' }] }] });
    // A required key left out (plan): JSON.parse's.
    expect((await read(JSON.stringify([{ age: 61 }]), 'application/json')).inSchema).toBe(false);
    expect(answer).toBe(await (await post(app, JSON.stringify(sparse.map((row) => Object.fromEntries(Object.entries(row).reverse()))))).text());
    // JSON.parse's rows (keys in another order) may hold any key.
    expect((await read(JSON.stringify([{ plan: 'pro', age: 61 }]), 'application/json')).inSchema).toBe(false);
    expect((await read(`${JSON.stringify({ plan: 'pro', age: 61 })}\n`, 'application/x-ndjson')).inSchema).toBe(false);
  });

  it('spares ajv the rows it says yes to, and asks ajv about the others', async () => {
    const validate = vi.spyOn(tiny.scorer, 'validate');
    onTestFinished(() => validate.mockRestore());
    const app = appOf(new ModelRouter(new ModelSlot(tiny)));
    const rows = [{ id: 'a', age: 61, spend: 1.5, plan: 'pro' }, { id: 'b', age: 30, spend: null, plan: null }, { id: 'c', age: 130, spend: 2, plan: 'basic' }];
    expect(await (await post(app, JSON.stringify(rows))).json()).toMatchObject({ scored: 2, invalid: 1, results: [{ index: 0 }, { index: 1 }, { index: 2, fields: [{ field: 'age', kind: 'range' }] }] });
    expect(validate.mock.calls).toEqual([[rows[2]]]);
    validate.mockClear();
    expect(await (await post(app, rows.map((row) => JSON.stringify(row)).join('\n'), 'application/x-ndjson')).json()).toMatchObject({ scored: 2, invalid: 1 });
    expect(validate).toHaveBeenCalledTimes(1);
  });

  it('leaves a row with a field the schema does not list to ajv, in every body format', async () => {
    const app = appOf(new ModelRouter(new ModelSlot(tiny)));
    for (const [body, type] of [
      [JSON.stringify([{ plan: 'pro', id: 'x', age: 61, spend: 1, extra: 1 }]), 'application/json'],
      ['{"plan":"pro","age":61,"spend":1,"extra":1}\n', 'application/x-ndjson'],
      ['age,plan,spend,extra\n61,pro,1,1\n', 'text/csv'],
    ]) {
      const answer = (await (await post(app, body as string, type)).json()) as { results: { fields?: unknown }[] };
      expect(answer, type).toMatchObject({ scored: 0, invalid: 1 });
      expect(answer.results[0]?.fields, type).toEqual([{ field: 'extra', kind: 'unexpected', message: 'extra: not an input of this model' }]);
    }
  });

  it('gives KServe V2 rows the quick yes only when every tensor is a column of the schema, and ajv names any other', async () => {
    const validate = vi.spyOn(tiny.scorer, 'validate');
    onTestFinished(() => validate.mockRestore());
    const app = appOf(new ModelRouter(new ModelSlot(tiny)));
    const infer = (extra: { name: string; datatype: string; data: unknown[] }[] = []) =>
      app.request('/v2/models/tiny/infer', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ inputs: [{ name: 'age', shape: [2], datatype: 'INT64', data: [30, 41] }, { name: 'plan', shape: [2], datatype: 'BYTES', data: ['pro', null] }, ...extra.map((t) => ({ ...t, shape: [2] }))] }),
      });
    expect((await infer()).status).toBe(200);
    expect(validate).not.toHaveBeenCalled();
    // A tensor that is no column, plain or named as a member of Object.prototype, which `in` would have taken for one.
    for (const name of ['colour', 'constructor', 'toString']) {
      const r = await infer([{ name, datatype: 'BYTES', data: ['x', 'y'] }]);
      expect([r.status, ((await r.json()) as { error: string }).error]).toEqual([400, `row 0: ${name}: not an input of this model`]);
    }
  });

  it('gives rows that leave out optional keys only the keys they have, for a model whose schema counts or lacks them', async () => {
    // In schema order (the reader) and reversed (JSON.parse): the same answer, from a canary whose schema has no id column …
    const rows = [{ age: 61, plan: 'pro' }, { age: 30, spend: 5, plan: 'basic' }];
    const reversed = rows.map((row) => Object.fromEntries(Object.entries(row).reverse()));
    const canary = { model: noId, weight: 100, key: { kind: 'caller' } as const, guard: new CanaryGuard({ slo: CANARY_SLO_DEFAULTS, onCutOff: () => undefined }) };
    const canaryApp = appOf(new ModelRouter(new ModelSlot(tiny), canary));
    for (const type of ['application/json', 'application/x-ndjson']) {
      const body = (list: unknown[]) => (type === 'application/json' ? JSON.stringify(list) : list.map((row) => JSON.stringify(row)).join('\n'));
      const answer = await (await post(canaryApp, body(rows), type)).text();
      expect(JSON.parse(answer), type).toMatchObject({ scored: 2, invalid: 0 });
      expect(answer).toBe(await (await post(canaryApp, body(reversed), type)).text());
    }
    // … and from a primary whose schema wants at least 3 keys a row.
    const strictApp = appOf(new ModelRouter(new ModelSlot(threeKeys)));
    const strict = await (await post(strictApp, JSON.stringify(rows))).text();
    expect(JSON.parse(strict)).toMatchObject({ scored: 1, invalid: 1, results: [{ index: 0, fields: [{ kind: 'invalid' }] }, { index: 1 }] });
    expect(strict).toBe(await (await post(strictApp, JSON.stringify(reversed))).text());
  });

  it('checks a canary’s rows against the canary’s own schema, which the body was not read with', async () => {
    const canary = { model: other, weight: 100, key: { kind: 'caller' } as const, guard: new CanaryGuard({ slo: CANARY_SLO_DEFAULTS, onCutOff: () => undefined }) };
    const app = appOf(new ModelRouter(new ModelSlot(tiny), canary));
    const answer = await (await post(app, JSON.stringify([{ id: 'x', age: 61, spend: 1, plan: 'pro' }]))).json();
    expect(answer).toMatchObject({ scored: 0, invalid: 1, results: [{ index: 0, fields: [{ field: 'id', kind: 'type' }, { field: 'age', kind: 'range' }] }] });
  });

  it('reads a CSV body that arrives across a reload with the schema of the model that then scores it', async () => {
    const slot = new ModelSlot<LoadedModel>(tiny);
    const app = appOf(new ModelRouter(slot));
    const text = ['id,age,spend,plan\n', '7,33,1,pro\n'];
    const body = new ReadableStream<Uint8Array>({
      async start(controller) {
        controller.enqueue(Buffer.from(text[0] as string));
        await slot.reload(async () => other);
        controller.enqueue(Buffer.from(text[1] as string));
        controller.close();
      },
    });
    const r = await post(app, body, 'text/csv', { headers: { 'content-type': 'text/csv', 'content-length': String(text.join('').length) }, duplex: 'half' } as RequestInit);
    // The new schema types id as an integer: 7, a number, as the CSV is read with it (with the old one, "7", a string, and invalid).
    expect(await r.json()).toMatchObject({ scored: 1, invalid: 0, results: [{ index: 0, id: 7 }] });
  });
});
