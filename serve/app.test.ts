/**
 * The service's routes through the real Hono app (app.request(), no listening socket), on a tiny
 * model package trained in beforeAll: what a client sees for good input, and a 4xx naming the
 * problem, never a 5xx, for every kind of bad input.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { Hono } from 'hono';
import type { HabitsEnv } from './habits/index.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeTinyPackage, type TinyRow } from '../test/helpers/model-package.js';
import { createApp } from './app.js';
import { fastRows } from './fast-rows.js';
import { ModelSlot } from './habits/index.js';
import { disposeLoaded, loadServedModel, type LoadedModel } from './loaded-model.js';
import { createMetrics } from './metrics.js';
import type { ModelPackage } from './model/index.js';
import { ModelRouter } from './model-router.js';

let root: string;
let pkg: ModelPackage;
let loaded: LoadedModel;
let app: Hono<HabitsEnv>;
let heldOut: TinyRow[];
const logged: unknown[] = [];

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'pipe-serve-app-'));
  const dir = join(root, 'tiny');
  heldOut = await writeTinyPackage(dir);
  loaded = await loadServedModel({ dir, name: 'tiny', source: 'directory' }, { monitorDrift: false });
  pkg = loaded.pkg;
  const { info } = loaded;
  const metrics = createMetrics({ name: info.name, version: info.version, commit: info.commit, stage: info.stage, backend: info.backend, engine: info.engine, fields: info.features });
  app = createApp({ models: new ModelRouter(new ModelSlot(loaded)), metrics, isReady: () => true, limits: { predictBytes: 1000, batchBytes: 20_000 } }, { logError: (e) => logged.push(e) });
}, 120_000);

afterAll(() => {
  if (loaded) disposeLoaded(loaded);
  if (root) rmSync(root, { recursive: true, force: true });
  expect(logged).toEqual([]);
});

const post = (path: string, body: string, type = 'application/json') => app.request(path, { method: 'POST', body, headers: { 'content-type': type } });
const json = async (r: Response) => (await r.json()) as Record<string, unknown>;
const good = { id: 'c-1', age: 61, spend: 120.5, plan: 'pro' };

describe('POST /predict', () => {
  it('scores one raw row as the package does, with label, threshold, the row key and the model', async () => {
    const r = await post('/predict', JSON.stringify(good));
    expect(r.status).toBe(200);
    const body = await json(r);
    const [expected = NaN] = await pkg.predict([good]);
    expect(Math.abs((body.probability as number) - expected)).toBeLessThanOrEqual(1e-6);
    expect(body).toMatchObject({ label: expected >= 0.5 ? 1 : 0, threshold: 0.5, id: 'c-1', model: { name: 'tiny', version: null } });
  });

  it.each([
    ['a wrong type', { age: 'old', plan: 'basic' }, 'age', 'type', 'age: expected an integer, got "old"'],
    ['a missing field', { plan: 'basic' }, 'age', 'missing', 'age: missing'],
    ['an extra field', { age: 30, plan: 'basic', colour: 'red' }, 'colour', 'unexpected', 'colour: not an input of this model'],
    ['an out-of-range number', { age: 130, plan: 'basic' }, 'age', 'range', 'age: 130 is above the maximum 120'],
    ['an unknown category', { age: 30, plan: 'gold' }, 'plan', 'category', 'plan: "gold" is not one of'],
  ])('answers %s with 422 naming the field', async (_what, row, field, kind, message) => {
    const r = await post('/predict', JSON.stringify(row));
    expect(r.status).toBe(422);
    const body = await json(r);
    expect(body.code).toBe('invalid_row');
    expect(body.error).toContain(message);
    expect(body.fields).toEqual([expect.objectContaining({ field, kind })]);
  });

  it('answers Infinity (1e999 in JSON) with 422 naming the field, and NaN (not JSON) with 400', async () => {
    const inf = await post('/predict', '{"age": 30, "plan": "basic", "spend": 1e999}');
    expect(inf.status).toBe(422);
    expect((await json(inf)).fields).toEqual([expect.objectContaining({ field: 'spend', kind: 'not-finite' })]);
    const nan = await post('/predict', '{"age": NaN, "plan": "basic"}');
    expect(nan.status).toBe(400);
    expect(await json(nan)).toMatchObject({ code: 'malformed_json', error: expect.stringMatching(/^the body is not valid JSON/) });
  });

  it('answers a body that is not a row with 422, malformed JSON with 400, a big body with 413, another content type with 415', async () => {
    const list = await post('/predict', '[1, 2]');
    expect(list.status).toBe(422);
    expect((await json(list)).error).toContain('the row: expected an object');
    expect((await post('/predict', '{"age": 3')).status).toBe(400);
    const bigBody = JSON.stringify({ ...good, id: 'x'.repeat(2000) });
    // With Content-Length (judged by the header, as from any HTTP client) and without (counted as it streams).
    const big = await app.request('/predict', { method: 'POST', body: bigBody, headers: { 'content-type': 'application/json', 'content-length': String(bigBody.length) } });
    expect(big.status).toBe(413);
    expect(await json(big)).toMatchObject({ code: 'body_too_large', limit: 1000 });
    expect((await post('/predict', bigBody)).status).toBe(413);
    const text = await post('/predict', JSON.stringify(good), 'text/plain');
    expect(text.status).toBe(415);
    expect((await json(text)).error).toBe("Content-Type 'text/plain'; this route takes application/json");
    const none = await app.request('/predict', { method: 'POST', body: JSON.stringify(good) });
    expect(none.status).toBe(415);
    // A gzipped body is not read as (malformed) JSON: a 415 naming the encoding, on every POST route.
    const gz = gzipSync(JSON.stringify(good));
    for (const path of ['/predict', '/predict/batch', '/v2/models/tiny/infer']) {
      const zipped = await app.request(path, { method: 'POST', body: gz, headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' } });
      expect([path, zipped.status, await json(zipped)]).toEqual([path, 415, { code: 'unsupported_content_encoding', error: "Content-Encoding 'gzip' is not read here; send the body uncompressed", encoding: 'gzip' }]);
    }
    expect((await app.request('/predict', { method: 'POST', body: JSON.stringify(good), headers: { 'content-type': 'application/json', 'content-encoding': 'identity' } })).status).toBe(200);
  });
});

describe('POST /predict/batch', () => {
  it('scores a JSON array in order and gives an invalid row an error entry naming its index and field', async () => {
    const rows = [heldOut[0], { age: 30, plan: 'gold' }, heldOut[1]];
    const r = await post('/predict/batch', JSON.stringify(rows));
    expect(r.status).toBe(200);
    const body = await json(r);
    const expected = await pkg.predict([heldOut[0], heldOut[1]]);
    const results = body.results as Record<string, unknown>[];
    expect(results.map((x) => x.index)).toEqual([0, 1, 2]);
    expect(Math.abs((results[0]?.probability as number) - (expected[0] as number))).toBeLessThanOrEqual(1e-6);
    expect(Math.abs((results[2]?.probability as number) - (expected[1] as number))).toBeLessThanOrEqual(1e-6);
    expect(results[1]).toMatchObject({ index: 1, error: expect.stringContaining('row 1: plan: "gold" is not one of'), fields: [expect.objectContaining({ field: 'plan' })] });
    expect(body).toMatchObject({ scored: 2, invalid: 1 });
  });

  it('reads NDJSON and CSV with a header to the same probabilities as JSON', async () => {
    const rows = heldOut.slice(0, 12);
    const probabilities = async (r: Response) => {
      expect(r.status).toBe(200);
      return ((await json(r)).results as { probability: number }[]).map((x) => x.probability);
    };
    const fromJson = await probabilities(await post('/predict/batch', JSON.stringify(rows)));
    const ndjson = rows.map((row) => JSON.stringify(row)).join('\n');
    expect(await probabilities(await post('/predict/batch', `${ndjson}\n`, 'application/x-ndjson'))).toEqual(fromJson);
    const csv = ['id,age,spend,plan', ...rows.map((row) => [row.id, row.age, row.spend ?? '', row.plan ?? ''].join(','))].join('\n');
    expect(await probabilities(await post('/predict/batch', csv, 'text/csv'))).toEqual(fromJson);
    // A leading UTF-8 byte order mark is not part of the text, whatever the type.
    expect(await probabilities(await post('/predict/batch', `\ufeff${JSON.stringify(rows)}`))).toEqual(fromJson);
    expect(await probabilities(await post('/predict/batch', `\ufeff${ndjson}`, 'application/x-ndjson'))).toEqual(fromJson);
    expect(await probabilities(await post('/predict/batch', `\ufeff${csv}`, 'text/csv'))).toEqual(fromJson);
  });

  it('names the line of malformed NDJSON, the field of a CSV value of the wrong type, and refuses an empty batch or a non-list', async () => {
    const ndjson = await post('/predict/batch', '{"age": 30, "plan": "basic"}\n{"age": \n', 'application/x-ndjson');
    expect(ndjson.status).toBe(400);
    expect((await json(ndjson)).error).toMatch(/^line 2 is not valid JSON/);
    const csv = await post('/predict/batch', 'age,plan\nold,basic\n', 'text/csv');
    expect(((await json(csv)).results as Record<string, unknown>[])[0]).toMatchObject({ index: 0, fields: [expect.objectContaining({ field: 'age', kind: 'type' })] });
    expect(await json(await post('/predict/batch', '[]'))).toMatchObject({ code: 'empty_batch' });
    expect(await json(await post('/predict/batch', JSON.stringify(good)))).toMatchObject({ code: 'not_a_list' });
    expect((await post('/predict/batch', 'x', 'application/xml')).status).toBe(415);
    expect((await post('/predict/batch', JSON.stringify(Array.from({ length: 500 }, () => good)))).status).toBe(413);
  });

  it("answers rows in the schema's key order (the schema's own reader) as it answers the same rows otherwise, and bodies it declines as JSON.parse has them", async () => {
    // Rows the reader reads are validated by quick-row-check.ts first: a row wrong in each way it checks, and in two at once.
    const wrong = [{ plan: 'gold' }, { age: 121 }, { age: 30.5 }, { age: '30' }, { spend: -1 }, { spend: 'x' }, { id: 7 }, { plan: 0 }, { age: -1, plan: 'x' }];
    const rows = [...heldOut.slice(0, 20), ...wrong.map((w, i) => ({ ...heldOut[20 + i], ...w }))];
    const ordered = JSON.stringify(rows);
    const reordered = JSON.stringify(rows.map(({ plan, ...rest }) => ({ plan, ...rest })));
    // Which path each body takes, or this test would compare JSON.parse with itself.
    expect(fastRows(pkg.featureSchema).rows(Buffer.from(ordered))).toHaveLength(29);
    expect(fastRows(pkg.featureSchema).rows(Buffer.from(reordered))).toBeUndefined();
    const fast = await post('/predict/batch', ordered);
    expect(fast.status).toBe(200);
    const text = await fast.text();
    expect(text).toBe(await (await post('/predict/batch', reordered)).text());
    expect(JSON.parse(text)).toMatchObject({ scored: 20, invalid: 9 });
    const declined = [`${ordered.slice(0, -1)},]`, ordered.replace('"age":', '"age":0'), ordered.replace('"age":', '"age":.'), `${ordered} x`, ordered.slice(0, -1), ordered.replace('"pro"', '"pro\u0001"')];
    for (const text of declined) {
      expect(fastRows(pkg.featureSchema).rows(Buffer.from(text))).toBeUndefined();
      const r = await post('/predict/batch', text);
      const problem = (() => {
        try {
          JSON.parse(text);
        } catch (error) {
          return (error as Error).message;
        }
      })();
      expect(r.status, text).toBe(problem === undefined ? 200 : 400);
      if (problem !== undefined) expect(await json(r)).toEqual({ code: 'malformed_json', error: `the body is not valid JSON (${problem})` });
    }
  });

  it('answers a field nested too deep to print (a 10 KB list of lists) with an error entry, not a 500', async () => {
    const deep = `${'['.repeat(5000)}${']'.repeat(5000)}`;
    const r = await post('/predict/batch', `[{"age":${deep},"plan":"basic"},${JSON.stringify(good)}]`);
    expect(r.status).toBe(200);
    const body = await json(r);
    expect(body).toMatchObject({ scored: 1, invalid: 1 });
    expect((body.results as Record<string, unknown>[])[0]).toMatchObject({ index: 0, error: 'row 0: age: expected an integer, got […]', fields: [{ field: 'age', kind: 'type' }] });
  });
});

describe('service routes', () => {
  it('answers health, /model and unknown routes as JSON', async () => {
    expect(await json(await app.request('/health/live'))).toEqual({ status: 'live' });
    expect(await json(await app.request('/health/ready'))).toMatchObject({ status: 'ready' });
    const model = await json(await app.request('/model'));
    expect(model).toMatchObject({ name: 'tiny', version: null, stage: null, commit: null, hash: null, source: 'directory', params: { epochs: 5, lr: 0.05 }, metrics: null, threshold: 0.5, loaded_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT/) });
    expect(model.engine).toMatch(/^typed-array \(2 Dense layers/);
    expect(model.backend).toMatch(/^(wasm|tensorflow) /);
    const missing = await app.request('/predictions');
    expect(missing.status).toBe(404);
    expect(await json(missing)).toEqual({ error: 'no route GET /predictions; GET /openapi.json lists the routes', code: 'not_found' });
  });

  it('publishes an OpenAPI 3.1 document whose row schema is the feature schema', async () => {
    const doc = await json(await app.request('/openapi.json'));
    expect(doc.openapi).toBe('3.1.0');
    const schemas = (doc.components as { schemas: Record<string, Record<string, unknown>> }).schemas;
    expect(schemas.Row).toMatchObject({ type: 'object', required: ['age', 'plan'], additionalProperties: false, properties: { age: { type: 'integer', minimum: 0, maximum: 120 } } });
    expect(schemas.Row).not.toHaveProperty('$schema');
    expect(Object.keys(doc.paths as object)).toEqual(expect.arrayContaining(['/predict', '/predict/batch', '/v2/models/tiny/infer']));
  });
});

describe('KServe V2', () => {
  it("answers the server metadata with pipe's version from its package.json", async () => {
    const { version } = JSON.parse(readFileSync(join(import.meta.dirname, '..', 'package.json'), 'utf8')) as { version: string };
    expect(version).toMatch(/^\d+\.\d+\.\d+/);
    expect(await json(await app.request('/v2'))).toEqual({ name: 'pipe', version, extensions: [] });
  });

  it('answers health with the status and an empty body, and model metadata with one input per column', async () => {
    for (const path of ['/v2/health/live', '/v2/health/ready', '/v2/models/tiny/ready']) {
      const r = await app.request(path);
      expect([path, r.status, await r.text()]).toEqual([path, 200, '']);
    }
    expect(await json(await app.request('/v2/models/tiny'))).toEqual({
      name: 'tiny',
      platform: 'tensorflowjs_layers',
      inputs: [
        { name: 'age', datatype: 'INT64', shape: [-1] },
        { name: 'spend', datatype: 'FP64', shape: [-1] },
        { name: 'plan', datatype: 'BYTES', shape: [-1] },
      ],
      outputs: [
        { name: 'probability', datatype: 'FP32', shape: [-1] },
        { name: 'label', datatype: 'INT64', shape: [-1] },
      ],
    });
    const other = await app.request('/v2/models/churn');
    expect(other.status).toBe(404);
    expect((await json(other)).error).toBe("no model 'churn' here; this server serves 'tiny'");
  });

  it('answers the versioned routes (/versions/VERSION) for the served version only, as the unversioned ones', async () => {
    const { info } = loaded;
    const versioned = createApp(
      {
        models: new ModelRouter(new ModelSlot<LoadedModel>({ ...loaded, info: { ...info, version: 'v1.2.0' }, label: 'v1.2.0' })),
        metrics: createMetrics({ name: info.name, version: 'v1.2.0', commit: null, stage: null, backend: info.backend, engine: info.engine, fields: info.features }),
        isReady: () => true,
        limits: { predictBytes: 1000, batchBytes: 20_000 },
      },
      { logError: (e) => logged.push(e) },
    );
    const meta = await versioned.request('/v2/models/tiny/versions/v1.2.0');
    expect([meta.status, ((await meta.json()) as { versions: string[] }).versions]).toEqual([200, ['v1.2.0']]);
    const ready = await versioned.request('/v2/models/tiny/versions/v1.2.0/ready');
    expect([ready.status, await ready.text()]).toEqual([200, '']);
    const rows = heldOut.slice(0, 2);
    const body = JSON.stringify({ inputs: [{ name: 'age', shape: [2], datatype: 'INT64', data: rows.map((r) => r.age) }, { name: 'spend', shape: [2], datatype: 'FP64', data: rows.map((r) => r.spend) }, { name: 'plan', shape: [2], datatype: 'BYTES', data: rows.map((r) => r.plan) }] });
    const inferred = async (path: string) => (await (await versioned.request(path, { method: 'POST', body, headers: { 'content-type': 'application/json' } })).json()) as { model_version: string; outputs: { data: number[] }[] };
    const pinned = await inferred('/v2/models/tiny/versions/v1.2.0/infer');
    expect(pinned.model_version).toBe('v1.2.0');
    expect(pinned.outputs[0]?.data).toEqual((await inferred('/v2/models/tiny/infer')).outputs[0]?.data);
    for (const path of ['/v2/models/tiny/versions/v9.9.9', '/v2/models/tiny/versions/v9.9.9/ready']) {
      const other = await versioned.request(path);
      expect([path, other.status, (await other.json()) as unknown]).toEqual([path, 404, { code: 'model_version_not_found', error: "model 'tiny' has no version 'v9.9.9' here; this server serves v1.2.0" }]);
    }
    const wrong = await versioned.request('/v2/models/tiny/versions/v9.9.9/infer', { method: 'POST', body, headers: { 'content-type': 'application/json' } });
    expect(wrong.status).toBe(404);
    const unversioned = await app.request('/v2/models/tiny/versions/v1');
    expect([unversioned.status, ((await unversioned.json()) as { error: string }).error]).toEqual([404, "model 'tiny' has no versions here (served from a directory, unversioned): use /v2/models/tiny"]);
  });

  it('answers a versioned infer with 404, not another version, when a reload swaps the model while its body comes in', async () => {
    const { info } = loaded;
    const as = (version: string): LoadedModel => ({ ...loaded, info: { ...info, version }, label: version });
    const slot = new ModelSlot<LoadedModel>(as('v1.2.0'), { dispose: () => {} });
    const swapping = createApp(
      {
        models: new ModelRouter(slot),
        metrics: createMetrics({ name: info.name, version: 'v1.2.0', commit: null, stage: null, backend: info.backend, engine: info.engine, fields: info.features }),
        isReady: () => true,
        limits: { predictBytes: 1000, batchBytes: 20_000 },
      },
      { logError: (e) => logged.push(e) },
    );
    const row = heldOut[0] as TinyRow;
    const body = new TextEncoder().encode(JSON.stringify({ inputs: [{ name: 'age', shape: [1], datatype: 'INT64', data: [row.age] }, { name: 'spend', shape: [1], datatype: 'FP64', data: [row.spend] }, { name: 'plan', shape: [1], datatype: 'BYTES', data: [row.plan] }] }));
    let rest: () => void = () => {};
    const restSent = new Promise<void>((r) => (rest = r));
    const stream = new ReadableStream<Uint8Array>({
      async start(controller) {
        controller.enqueue(body.subarray(0, 10));
        await restSent;
        controller.enqueue(body.subarray(10));
        controller.close();
      },
    });
    const answer = swapping.request('/v2/models/tiny/versions/v1.2.0/infer', { method: 'POST', body: stream, duplex: 'half', headers: { 'content-type': 'application/json', 'content-length': String(body.length) } } as RequestInit);
    expect((await slot.reload(() => Promise.resolve(as('v1.3.0')))).ok).toBe(true);
    rest();
    const r = await answer;
    expect([r.status, await r.json()]).toEqual([404, { code: 'model_version_not_found', error: "model 'tiny' has no version 'v1.2.0' here; this server serves v1.3.0" }]);
  });

  it('infers from column tensors and from a preprocessed features tensor, with the request id', async () => {
    const rows = heldOut.slice(0, 3);
    const expected = Array.from(await pkg.predict(rows));
    const columns = {
      id: 'req-7',
      inputs: [
        { name: 'age', shape: [3], datatype: 'INT64', data: rows.map((r) => r.age) },
        { name: 'spend', shape: [3, 1], datatype: 'FP64', data: rows.map((r) => [r.spend]) },
        { name: 'plan', shape: [3], datatype: 'BYTES', data: rows.map((r) => r.plan) },
      ],
    };
    const r = await post('/v2/models/tiny/infer', JSON.stringify(columns));
    expect(r.status).toBe(200);
    const body = await json(r);
    expect(body).toMatchObject({ model_name: 'tiny', id: 'req-7', outputs: [{ name: 'probability', datatype: 'FP32', shape: [3] }, { name: 'label', datatype: 'INT64', shape: [3] }] });
    const got = (body.outputs as { data: number[] }[])[0]?.data ?? [];
    got.forEach((p, i) => expect(Math.abs(p - (expected[i] as number))).toBeLessThanOrEqual(1e-6));

    const { transformRows, TINY_SPEC } = { transformRows: (await import('./model/index.js')).transformRows, TINY_SPEC: pkg.preprocessing };
    const x = Array.from(transformRows(TINY_SPEC, rows));
    const features = { inputs: [{ name: 'features', shape: [3, 5], datatype: 'FP32', data: x }], outputs: [{ name: 'probability' }] };
    const m = await json(await post('/v2/models/tiny/infer', JSON.stringify(features)));
    expect((m.outputs as unknown[]).length).toBe(1);
    expect((m.outputs as { data: number[] }[])[0]?.data).toEqual(got);
    expect(m.id).toMatch(/^[0-9a-f-]{36}$/);
    // The same values nested as the shape says, row by row: the same answers.
    const nested = { inputs: [{ name: 'features', shape: [3, 5], datatype: 'FP32', data: [x.slice(0, 5), x.slice(5, 10), x.slice(10, 15)] }], outputs: [{ name: 'probability' }] };
    expect(((await json(await post('/v2/models/tiny/infer', JSON.stringify(nested)))).outputs as { data: number[] }[])[0]?.data).toEqual(got);
    // FP32's largest value is one.
    const edge = { inputs: [{ name: 'features', shape: [3, 5], datatype: 'FP32', data: x.map((v, i) => (i === 0 ? 3.4028234663852886e38 : v)) }] };
    expect((await post('/v2/models/tiny/infer', JSON.stringify(edge))).status).toBe(200);
  });

  it('answers a bad infer request with 400 and {error}', async () => {
    const cases: [unknown, string][] = [
      [{}, '"inputs" must be a non-empty list of tensors'],
      [{ inputs: [{ name: 'age', shape: [2], datatype: 'INT64', data: [1] }] }, 'input age: shape [2] holds 2 values, "data" has 1'],
      [{ inputs: [{ name: 'age', shape: [1], datatype: 'INT64', data: [300] }, { name: 'plan', shape: [1], datatype: 'BYTES', data: ['basic'] }] }, 'row 0: age: 300 is above the maximum 120'],
      // Columns all the schema's take quick-row-check.ts's yes first: a no still gets ajv's words, for the first wrong row.
      [{ inputs: [{ name: 'age', shape: [2], datatype: 'INT64', data: [30, 30.5] }, { name: 'plan', shape: [2], datatype: 'BYTES', data: ['basic', 'gold'] }] }, 'row 1: age: expected an integer, got 30.5; plan: "gold" is not one of "basic", "plus", "pro" (or null)'],
      [{ inputs: [{ name: 'spend', shape: [1], datatype: 'FP64', data: [3] }] }, 'row 0: age: missing; the model needs it; plan: missing; the model needs it'],
      [{ inputs: [{ name: 'features', shape: [1, 4], datatype: 'FP32', data: [1, 2, 3, 4] }] }, 'input features: shape must be [N, 5], got [1,4]'],
      [{ inputs: [{ name: 'age', shape: [1], datatype: 'INT64', data: [3] }], outputs: [{ name: 'logits' }] }, 'unknown output logits; this model gives probability, label'],
      // A size of 0 made the empty data fit any number of rows: [1e308, 0] was a 500, [5e6, 0] blocked the server for seconds.
      [{ inputs: [{ name: 'age', shape: [1e308, 0], datatype: 'INT64', data: [] }] }, 'input age: "shape" must be a non-empty list of sizes of at least 1'],
      // __proto__ (twice: a SyntaxError in a generated object literal was a 500; with an object for data, the row inherited its fields).
      [{ inputs: [{ name: '__proto__', shape: [1], datatype: 'FP32', data: [1] }, { name: '__proto__', shape: [1], datatype: 'FP32', data: [2] }] }, 'input __proto__: not an input of this model'],
      [{ inputs: [{ name: '__proto__', shape: [1], datatype: 'BYTES', data: [{ age: 30, plan: 'basic' }] }] }, 'input __proto__: not an input of this model'],
      // Nested otherwise than the shape says: [1] was read as the value 1 (any nesting was flattened).
      [{ inputs: [{ name: 'age', shape: [3], datatype: 'INT64', data: [30, [1], 40] }] }, 'input age: "data" is nested too deep; give it flat, or nested as "shape" says'],
      [{ inputs: [{ name: 'age', shape: [2, 1], datatype: 'INT64', data: [[30], 41] }] }, 'input age: "data" is not nested as its shape [2,1] says; give it flat, or nested as "shape" says'],
      [{ inputs: [{ name: 'age', shape: [2, 1], datatype: 'INT64', data: [[30], [41, 7]] }] }, 'input age: "data" is not nested as its shape [2,1] says; give it flat, or nested as "shape" says'],
      [{ inputs: [{ name: 'age', shape: [2], datatype: 'INT64', data: [[30], [41]] }] }, 'input age: "data" is nested too deep; give it flat, or nested as "shape" says'],
      // Finite as a double, ±Infinity as FP32: scored as nonsense before (3.4028235677973366e38 is the first double that rounds to it).
      [{ inputs: [{ name: 'features', shape: [1, 5], datatype: 'FP32', data: [1, 2, 1e39, 4, 5] }] }, "input features: every value must be a finite number within FP32's range (±3.4e38)"],
      [{ inputs: [{ name: 'features', shape: [1, 5], datatype: 'FP32', data: [1, 2, -3.4028235677973366e38, 4, 5] }] }, "input features: every value must be a finite number within FP32's range (±3.4e38)"],
      // A shape longer than the nesting.
      [{ inputs: [{ name: 'features', shape: [1, 5, 1], datatype: 'FP32', data: [[1, 2, 3, 4, 5]] }] }, 'input features: "data" is not nested as its shape [1,5,1] says; give it flat, or nested as "shape" says'],
    ];
    for (const [body, error] of cases) {
      const r = await post('/v2/models/tiny/infer', JSON.stringify(body));
      expect([r.status, (await json(r)).error]).toEqual([400, error]);
    }
    // Data nested 9,000 lists deep (18 KB): more than Array.prototype.flat's stack holds.
    const deep = await post('/v2/models/tiny/infer', `{"inputs":[{"name":"age","shape":[1],"datatype":"INT64","data":${'['.repeat(9000)}3${']'.repeat(9000)}}]}`);
    expect([deep.status, (await json(deep)).error]).toEqual([400, 'input age: "data" is nested too deep; give it flat, or nested as "shape" says']);
  });
});

describe('GET /metrics', () => {
  it('exposes sub-millisecond latency buckets, predictions by label, invalid rows by field (bounded) and the model info', async () => {
    await post('/predict', JSON.stringify({ age: 30, plan: 'basic', favourite_colour: 'red' }));
    // A field named "" is a field the model does not know, not the row; a row that is no object is the row.
    const empty = await post('/predict', JSON.stringify({ '': 1, age: 30, plan: 'basic' }));
    expect((await json(empty)).fields).toEqual([{ field: '', kind: 'unexpected', message: 'a field named "": not an input of this model' }]);
    await post('/predict/batch', '[5]');
    const r = await app.request('/metrics');
    expect(r.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = await r.text();
    expect(text).toMatch(/^pipe_serve_request_duration_seconds_bucket\{le="0\.0001",method="POST",route="\/predict",status="200"\} \d+$/m);
    expect(text).toMatch(/^pipe_serve_requests_total\{method="GET",route="\(unmatched\)",status="404"\} 1$/m);
    expect(text).toMatch(/^pipe_serve_predictions_total\{model_version="unversioned",label="[01]",role="primary"\} \d+$/m);
    expect(text).toMatch(/^pipe_serve_invalid_rows_total\{field="\(unexpected\)",kind="unexpected"\} [1-9]/m);
    expect(text).toMatch(/^pipe_serve_invalid_rows_total\{field="\(row\)",kind="type"\} [1-9]/m);
    expect(text).not.toMatch(/^pipe_serve_invalid_rows_total\{field="\(row\)",kind="unexpected"\}/m);
    expect(text).not.toContain('favourite_colour');
    expect(text).toMatch(/^pipe_serve_invalid_rows_total\{field="age",kind="range"\} [1-9]/m);
    expect(text).toMatch(/^pipe_serve_batch_rows_count \d+$/m);
    expect(text).toMatch(/^pipe_serve_prediction_score_bucket\{le="0\.5"\} \d+$/m);
    expect(text).toMatch(/^pipe_serve_requests_in_flight 1$/m);
    expect(text).toMatch(/^pipe_serve_model_info\{name="tiny",version="",commit="",stage="",backend="(wasm|tensorflow)",engine="typed-array"\} 1$/m);
    expect(text).toMatch(/^pipe_serve_process_resident_memory_bytes \d+/m);
  });
});

describe('headers every answer carries', () => {
  it('sends the request id, the rate-limit fields and the model version on answers built every way (a prediction, a 422, a 401, a 429, a 404)', async () => {
    const { info } = loaded;
    const metrics = createMetrics({ name: info.name, version: info.version, commit: info.commit, stage: info.stage, backend: info.backend, engine: info.engine, fields: info.features });
    const { loadApiKeys } = await import('./habits/index.js');
    const guarded = createApp(
      { models: new ModelRouter(new ModelSlot(loaded)), metrics, isReady: () => true, limits: { predictBytes: 1000, batchBytes: 20_000 } },
      { logError: (e) => logged.push(e), habits: { keys: loadApiKeys({ env: { PIPE_SERVE_API_KEYS: 'k-1' } })!, rateLimit: { limit: 3, windowSeconds: 3600 }, accessLog: false } },
    );
    const call = (path: string, body: unknown, headers: Record<string, string> = { authorization: 'Bearer k-1' }) =>
      guarded.request(path, { method: 'POST', body: JSON.stringify(body), headers: { 'content-type': 'application/json', ...headers } });
    const seen = (r: Response) => ({
      status: r.status,
      type: r.headers.get('content-type'),
      id: r.headers.get('x-request-id'),
      version: r.headers.get('x-model-version'),
      limit: r.headers.get('ratelimit-limit'),
      remaining: r.headers.get('ratelimit-remaining'),
      retry: r.headers.get('retry-after') !== null,
    });
    const answers = [
      await call('/predict', good, { authorization: 'Bearer k-1', 'x-request-id': 'trace-1' }),
      await call('/predict', { age: 'old', plan: 'basic' }),
      await call('/predict', good, {}),
      await call('/nowhere', good),
      await call('/predict', good),
    ];
    expect(answers.map(seen)).toEqual([
      { status: 200, type: 'application/json', id: 'trace-1', version: 'unversioned', limit: '3', remaining: '2', retry: false },
      { status: 422, type: 'application/json', id: expect.stringMatching(/^[0-9a-f-]{36}$/), version: null, limit: '3', remaining: '1', retry: false },
      { status: 401, type: 'application/json', id: expect.stringMatching(/^[0-9a-f-]{36}$/), version: null, limit: null, remaining: null, retry: false },
      { status: 404, type: 'application/json', id: expect.stringMatching(/^[0-9a-f-]{36}$/), version: null, limit: '3', remaining: '0', retry: false },
      { status: 429, type: 'application/json', id: expect.stringMatching(/^[0-9a-f-]{36}$/), version: null, limit: '3', remaining: '0', retry: true },
    ]);
  });
});
