/**
 * Columns named as members of Object.prototype (constructor, toString), through the real Hono app
 * with drift on: a row that leaves such an optional column out is scored as one that sends null
 * (imputed), in every body format, never with the function every object inherits. Before, the
 * encoder read that function: a 500 for a numeric column, a wrong score (an unknown category) for
 * a category.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeTinyPackage } from '../test/helpers/model-package.js';
import { createApp } from './app.js';
import { ModelSlot } from './habits/index.js';
import { disposeLoaded, loadServedModel, type LoadedModel } from './loaded-model.js';
import { createMetrics } from './metrics.js';
import { ModelRouter } from './model-router.js';

let root: string;
const loaded: LoadedModel[] = [];
const logged: unknown[] = [];

/** The tiny package with column `from` renamed `to` (everywhere it is named) and made optional, served with drift on. */
async function renamed(from: string, to: string) {
  const dir = join(root, to);
  await writeTinyPackage(dir);
  for (const file of ['preprocessing.json', 'feature-schema.json', 'reference-profile.json']) {
    const path = join(dir, file);
    const json = JSON.parse(readFileSync(path, 'utf8').replaceAll(`"${from}`, `"${to}`)) as { required?: string[] };
    if (json.required) json.required = json.required.filter((name) => name !== to);
    writeFileSync(path, JSON.stringify(json));
  }
  const model = await loadServedModel({ dir, name: 'tiny', source: 'directory' }, { monitorDrift: true });
  loaded.push(model);
  const { info } = model;
  const metrics = createMetrics({ name: info.name, version: info.version, commit: info.commit, stage: info.stage, backend: info.backend, engine: info.engine, fields: info.features });
  return createApp({ models: new ModelRouter(new ModelSlot(model)), metrics, isReady: () => true, limits: { predictBytes: 1000, batchBytes: 20_000 } }, { logError: (e) => logged.push(e) });
}

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'pipe-prototype-names-'));
});

afterAll(() => {
  for (const model of loaded) disposeLoaded(model);
  if (root) rmSync(root, { recursive: true, force: true });
});

type App = Awaited<ReturnType<typeof renamed>>;
const post = (app: App, path: string, body: unknown, type = 'application/json') =>
  app.request(path, { method: 'POST', body: typeof body === 'string' ? body : JSON.stringify(body), headers: { 'content-type': type } });

/** The probability of each answer: /predict's, a batch's results', a V2 infer's output. */
async function probabilities(r: Response): Promise<number[]> {
  expect(r.status, await r.clone().text()).toBe(200);
  const body = (await r.json()) as { probability?: number; results?: { probability: number }[]; outputs?: { data: number[] }[] };
  return body.probability !== undefined ? [body.probability] : body.results ? body.results.map((x) => x.probability) : (body.outputs?.[0]?.data ?? []);
}

describe('a column named as a member of Object.prototype', () => {
  it.each([
    ['constructor', 'spend', 'a number'],
    ['toString', 'plan', 'a category'],
  ])('%s (%s, %s): left out, scored as null in every body format', async (name, from) => {
    logged.length = 0;
    const app = await renamed(from, name);
    const other = from === 'spend' ? { plan: 'pro' } : { spend: 12.5 };
    const [asNull] = await probabilities(await post(app, '/predict', { age: 30, ...other, [name]: null }));
    expect(asNull).toBeTypeOf('number');
    const leftOut = { age: 30, ...other };
    const v2 = { inputs: Object.entries(leftOut).map(([column, value]) => ({ name: column, shape: [1], datatype: typeof value === 'string' ? 'BYTES' : 'FP64', data: [value] })) };
    const csv = `${Object.keys(leftOut).join(',')}\n${Object.values(leftOut).join(',')}\n`;
    for (const [path, body, type] of [
      ['/predict', leftOut, 'application/json'],
      ['/predict/batch', [leftOut], 'application/json'],
      ['/predict/batch', `${JSON.stringify(leftOut)}\n`, 'application/x-ndjson'],
      ['/predict/batch', csv, 'text/csv'],
      ['/v2/models/tiny/infer', v2, 'application/json'],
    ] as const) {
      expect(await probabilities(await post(app, path, body, type)), `${path} ${type}`).toEqual([asNull]);
    }
    expect(logged).toEqual([]);
  });
});
